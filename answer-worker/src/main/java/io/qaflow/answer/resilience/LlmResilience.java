package io.qaflow.answer.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.qaflow.answer.AnswerWorkerProperties;
import io.qaflow.answer.model.LlmCallException;
import java.time.Clock;
import java.time.Duration;

/**
 * The Resilience4j instances named {@value #NAME} that guard the LLM: a circuit breaker (failure rate over a count
 * window, plus {@link ConsecutiveFailureTrip}), a retry for 429 / 5xx / timeouts that honours {@code Retry-After}
 * and never waits past the request's deadline, and a bulkhead. Built once from the worker's settings.
 */
public record LlmResilience(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries, BulkheadRegistry bulkheads,
                            CircuitBreaker circuitBreaker, Retry retry, Bulkhead bulkhead) {
    public static final String NAME = "llm";

    public static LlmResilience create(AnswerWorkerProperties.Resilience settings, Duration minAttemptTime,
                                       Backoff backoff, Clock clock) {
        AnswerWorkerProperties.CircuitBreaker cb = settings.circuitBreaker();
        CircuitBreakerConfig circuitConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(cb.slidingWindowSize())
                .minimumNumberOfCalls(cb.slidingWindowSize())
                .failureRateThreshold(cb.failureRateThreshold())
                .waitDurationInOpenState(cb.openDuration())
                .permittedNumberOfCallsInHalfOpenState(cb.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                // an abandoned call (the worker stopping) says nothing about the endpoint
                .ignoreException(e -> e instanceof LlmCallException failure && failure.cancelled())
                .build();
        CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.of(circuitConfig);
        CircuitBreaker circuitBreaker = circuitBreakers.circuitBreaker(NAME);
        ConsecutiveFailureTrip.install(circuitBreaker, cb.consecutiveFailures());

        IntervalBiFunction<Object> interval = (retryNumber, outcome) -> {
            if (outcome.isLeft() && outcome.getLeft() instanceof LlmAttemptFailure failure) {
                Duration wait = failure.retryAfter().orElseGet(() -> backoff.delay(retryNumber));
                Duration room = failure.timeLeft(clock.instant()).minus(minAttemptTime);
                return Math.max(0, Math.min(wait.toMillis(), room.toMillis()));
            }
            return backoff.delay(retryNumber).toMillis();
        };
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(settings.retry().maxAttempts())
                .retryOnException(e -> e instanceof LlmAttemptFailure failure
                        && failure.worthRetrying(clock.instant(), minAttemptTime))
                .intervalBiFunction(interval)
                .build();
        RetryRegistry retries = RetryRegistry.of(retryConfig);

        BulkheadConfig bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(settings.bulkhead().maxConcurrentCalls())
                .maxWaitDuration(settings.bulkhead().maxWait())
                .build();
        BulkheadRegistry bulkheads = BulkheadRegistry.of(bulkheadConfig);

        return new LlmResilience(circuitBreakers, retries, bulkheads, circuitBreaker, retries.retry(NAME),
                bulkheads.bulkhead(NAME));
    }
}
