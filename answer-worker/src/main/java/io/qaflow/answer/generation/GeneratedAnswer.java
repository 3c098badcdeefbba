package io.qaflow.answer.generation;

import io.qaflow.answer.model.ModelAnswer;
import java.util.Objects;

/**
 * An answer and how it came about.
 *
 * @param degraded true when the fallback answered because the language model could not
 * @param fallbackReason why the fallback answered ({@code circuit_open}, {@code bulkhead_full}, {@code llm_failed},
 *     {@code no_time}); null when not degraded
 */
public record GeneratedAnswer(ModelAnswer answer, boolean degraded, String fallbackReason) {
    public GeneratedAnswer {
        Objects.requireNonNull(answer, "answer");
        if (degraded == (fallbackReason == null)) {
            throw new IllegalArgumentException("a degraded answer has a fallback reason, and only a degraded one");
        }
    }

    public static GeneratedAnswer normal(ModelAnswer answer) {
        return new GeneratedAnswer(answer, false, null);
    }

    public static GeneratedAnswer degraded(ModelAnswer answer, String reason) {
        return new GeneratedAnswer(answer, true, reason);
    }
}
