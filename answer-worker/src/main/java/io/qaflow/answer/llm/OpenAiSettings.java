package io.qaflow.answer.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach an OpenAI-compatible chat endpoint.
 *
 * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:8000/v1}
 * @param apiKey sent as a bearer token; local servers that need none accept any value
 * @param model the model used when a request leaves the choice to the worker
 * @param temperature null to leave the server's default
 */
public record OpenAiSettings(String baseUrl, String apiKey, String model, Duration connectTimeout, int maxTokens,
                             Double temperature) {
    public OpenAiSettings {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("baseUrl must not be blank");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        apiKey = apiKey == null || apiKey.isBlank() ? "not-needed" : apiKey;
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
    }

    @Override
    public String toString() {
        return "OpenAiSettings[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=***]";
    }
}
