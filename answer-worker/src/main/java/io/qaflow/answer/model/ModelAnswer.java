package io.qaflow.answer.model;

import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import java.util.List;
import java.util.Objects;

/**
 * A model's answer.
 *
 * @param text the answer, never blank
 * @param usedSources the chunks the answer was taken from (all given chunks for a language model)
 * @param usage tokens, reported by the model or estimated ({@link TokenUsage#estimated()})
 * @param model the model that answered
 */
public record ModelAnswer(String text, List<SourceChunk> usedSources, TokenUsage usage, String model) {
    public ModelAnswer {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an answer must not be blank");
        }
        usedSources = List.copyOf(usedSources);
        Objects.requireNonNull(usage, "usage");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
    }
}
