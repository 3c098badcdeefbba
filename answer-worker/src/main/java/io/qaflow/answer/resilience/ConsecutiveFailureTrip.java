package io.qaflow.answer.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens a closed circuit after a number of failures in a row. Resilience4j's breaker only knows failure rates over
 * a window; this listener adds the "n in a row" rule, so a dead endpoint is cut off after a handful of calls instead
 * of after a full window.
 */
public final class ConsecutiveFailureTrip {
    private final CircuitBreaker circuitBreaker;
    private final int threshold;
    private final AtomicInteger consecutive = new AtomicInteger();

    private ConsecutiveFailureTrip(CircuitBreaker circuitBreaker, int threshold) {
        this.circuitBreaker = circuitBreaker;
        this.threshold = threshold;
    }

    public static ConsecutiveFailureTrip install(CircuitBreaker circuitBreaker, int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be >= 1");
        }
        ConsecutiveFailureTrip trip = new ConsecutiveFailureTrip(circuitBreaker, threshold);
        circuitBreaker.getEventPublisher()
                .onSuccess(event -> trip.consecutive.set(0))
                .onError(event -> trip.failed())
                .onStateTransition(event -> trip.consecutive.set(0));
        return trip;
    }

    private void failed() {
        if (consecutive.incrementAndGet() >= threshold) {
            synchronized (this) {
                if (circuitBreaker.getState() == CircuitBreaker.State.CLOSED && consecutive.get() >= threshold) {
                    circuitBreaker.transitionToOpenState();
                }
            }
        }
    }
}
