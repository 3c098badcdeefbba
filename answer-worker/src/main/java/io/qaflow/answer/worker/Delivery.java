package io.qaflow.answer.worker;

import io.qaflow.answer.metrics.AnswerMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an output until the broker acknowledges it. The producer already retries within its delivery timeout; a
 * send that still fails with a {@link RetriableException} (the broker unreachable for that long) is repeated, at
 * most {@code maxAttempts} times in all. Any other failure (record too large, not authorised, …) cannot heal by
 * repeating, and neither can a send that failed every attempt: {@link UndeliverableException} tells the caller to
 * fall back, so the record still finishes and its partition's commits move on.
 */
final class Delivery {
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final AnswerMetrics metrics;
    private final Duration retryBackoff;
    private final int maxAttempts;

    Delivery(AnswerMetrics metrics, Duration retryBackoff) {
        this(metrics, retryBackoff, DEFAULT_MAX_ATTEMPTS);
    }

    Delivery(AnswerMetrics metrics, Duration retryBackoff, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.metrics = metrics;
        this.retryBackoff = retryBackoff;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Returns once acknowledged; throws InterruptedException when the worker stops first, UndeliverableException
     * when the output cannot be delivered.
     */
    RecordMetadata deliver(String what, Supplier<CompletableFuture<RecordMetadata>> send)
            throws InterruptedException, UndeliverableException {
        for (int attempt = 1; ; attempt++) {
            try {
                return send.get().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof InterruptException) {
                    throw new InterruptedException("the worker is stopping");
                }
                metrics.error("publish_failed");
                if (!(cause instanceof RetriableException) || attempt >= maxAttempts) {
                    throw new UndeliverableException(what, attempt, cause);
                }
                log.warn("publishing {} failed (attempt {} of {}), retrying in {}: {}", what, attempt, maxAttempts,
                        retryBackoff, cause.toString());
                Thread.sleep(retryBackoff);
            }
        }
    }

    /** An output the broker did not accept, after {@code attempts} sends. */
    static final class UndeliverableException extends Exception {
        UndeliverableException(String what, int attempts, Throwable cause) {
            super("publishing " + what + " failed after " + attempts + " attempt(s): " + cause, cause);
        }
    }
}
