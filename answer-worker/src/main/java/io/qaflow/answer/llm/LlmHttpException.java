package io.qaflow.answer.llm;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/**
 * A non-2xx answer from the LLM endpoint, with its {@code Retry-After}. It extends langchain4j's
 * {@link HttpException}, so langchain4j maps it to its usual exception types and keeps it as the cause.
 */
final class LlmHttpException extends HttpException {
    private final Duration retryAfter;

    LlmHttpException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
