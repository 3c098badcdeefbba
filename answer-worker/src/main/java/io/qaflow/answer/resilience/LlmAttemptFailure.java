package io.qaflow.answer.resilience;

import io.qaflow.answer.model.LlmCallException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One failed LLM attempt, carrying what the retry decision needs: the classified failure and the instant by which
 * the request's last attempt must have ended.
 */
final class LlmAttemptFailure extends RuntimeException {
    private final LlmCallException failure;
    private final Instant budgetEnd;
    private final boolean attempted;

    LlmAttemptFailure(LlmCallException failure, Instant budgetEnd, boolean attempted) {
        super(failure.getMessage(), failure, false, false);
        this.failure = failure;
        this.budgetEnd = budgetEnd;
        this.attempted = attempted;
    }

    /** No attempt was made: too little time was left before the deadline. */
    static LlmAttemptFailure outOfTime(Instant budgetEnd) {
        return new LlmAttemptFailure(new LlmCallException(LlmCallException.Kind.TIMEOUT, 0, null,
                "no time left for an LLM call before the request's deadline", null), budgetEnd, false);
    }

    boolean attempted() {
        return attempted;
    }

    LlmCallException failure() {
        return failure;
    }

    Optional<Duration> retryAfter() {
        return failure.retryAfter();
    }

    Duration timeLeft(Instant now) {
        return Duration.between(now, budgetEnd);
    }

    /** Retryable, and after the server's Retry-After (if any) there is still time for a useful attempt. */
    boolean worthRetrying(Instant now, Duration minAttemptTime) {
        Duration wait = retryAfter().orElse(Duration.ZERO);
        return failure.retryable() && timeLeft(now).minus(wait).compareTo(minAttemptTime) >= 0;
    }
}
