package io.qaflow.answer.model;

import io.qaflow.model.Variant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which model answers a request when nothing fails: with an LLM configured, the variant's model, or the configured
 * one when the variant says {@link Variant#AUTO_MODEL}; without one, the extractive answerer, whatever the variant
 * asks for. This is the model an answer is cached under, and {@link #autoModel()} is what the gateway is told to
 * use in its cache keys for "auto" variants.
 *
 * @param llmModel the configured LLM model, empty when no endpoint is configured
 * @param extractiveModel the extractive answerer's model name
 */
public record ModelChoice(Optional<String> llmModel, String extractiveModel) {

    public ModelChoice {
        Objects.requireNonNull(llmModel, "llmModel");
        if (extractiveModel == null || extractiveModel.isBlank()) {
            throw new IllegalArgumentException("extractiveModel must not be blank");
        }
    }

    /** The model that answers a request whose variant asks for {@code requestedModel}. */
    public String answering(String requestedModel) {
        if (llmModel.isEmpty()) {
            return extractiveModel;
        }
        return requestedModel == null || requestedModel.isBlank() || Variant.AUTO_MODEL.equals(requestedModel)
                ? llmModel.get()
                : requestedModel;
    }

    /** The model that answers "auto" variants: the same string their answers' {@code model} field carries. */
    public String autoModel() {
        return answering(Variant.AUTO_MODEL);
    }
}
