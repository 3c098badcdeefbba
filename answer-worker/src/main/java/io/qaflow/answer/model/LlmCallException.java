package io.qaflow.answer.model;

import java.time.Duration;
import java.util.Optional;

/**
 * A language-model call that did not produce an answer, classified so the resilience layer can decide: only rate
 * limiting (429), server errors (5xx) and timeouts are worth retrying.
 */
public final class LlmCallException extends RuntimeException {

    public enum Kind {
        RATE_LIMITED(true),
        SERVER_ERROR(true),
        TIMEOUT(true),
        CLIENT_ERROR(false),
        CONNECTION(false),
        EMPTY_ANSWER(false),
        /** The caller abandoned the call (the worker is stopping); says nothing about the endpoint's health. */
        CANCELLED(false),
        OTHER(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public LlmCallException(Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public static LlmCallException forStatus(int status, Duration retryAfter, String message, Throwable cause) {
        Kind kind = status == 429 ? Kind.RATE_LIMITED
                : status == 408 ? Kind.TIMEOUT
                : status >= 500 ? Kind.SERVER_ERROR
                : Kind.CLIENT_ERROR;
        return new LlmCallException(kind, status, retryAfter, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 when the call failed before one arrived. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return kind.retryable;
    }

    public boolean timeout() {
        return kind == Kind.TIMEOUT;
    }

    public boolean cancelled() {
        return kind == Kind.CANCELLED;
    }

    /** The server's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
