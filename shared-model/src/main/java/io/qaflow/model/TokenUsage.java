package io.qaflow.model;

/** Tokens of one answer; {@code estimated} is true when the model reported none (the extractive answerer). */
public record TokenUsage(int promptTokens, int completionTokens, boolean estimated) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, true);

    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
