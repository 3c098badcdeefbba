package io.qaflow.controller.state;

import io.qaflow.model.ExperimentState.Status;
import java.util.Map;
import java.util.Objects;

/**
 * A requested change of an experiment's status, by a person ({@code user:<name>}) or a rule ({@code rule:<rule>}).
 *
 * @param winner the winning variant, for {@link Status#COMPLETED} only
 * @param conclusion a sentence on the outcome, for ending transitions; null keeps the one already recorded
 * @param figures the verdict figures behind an automatic change; empty for a person's
 */
public record Change(Status to, String actor, String reason, Map<String, Double> figures, String winner,
                     String conclusion) {
    public Change {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actor, "actor");
        figures = figures == null ? Map.of() : Map.copyOf(figures);
    }

    public static Change by(String actor, Status to, String reason) {
        return new Change(to, actor, reason, Map.of(), null, null);
    }

    public boolean byRule() {
        return actor.startsWith("rule:");
    }
}
