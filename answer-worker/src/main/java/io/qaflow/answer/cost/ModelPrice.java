package io.qaflow.answer.cost;

import jakarta.validation.constraints.DecimalMin;

/** What a model costs, in US dollars per million tokens. */
public record ModelPrice(@DecimalMin("0.0") double inputPerMillion, @DecimalMin("0.0") double outputPerMillion) {
    public static final ModelPrice FREE = new ModelPrice(0, 0);

    public ModelPrice {
        if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
            throw new IllegalArgumentException("prices must be >= 0");
        }
    }
}
