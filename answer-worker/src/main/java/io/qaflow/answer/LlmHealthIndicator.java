package io.qaflow.answer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.resilience.LlmResilience;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the LLM circuit. Always UP: with the circuit open the worker still answers (degraded), so taking the
 * instance out of service would only make things worse; the details say whether answers are degraded.
 */
final class LlmHealthIndicator implements HealthIndicator {
    private final LlmResilience resilience;
    private final boolean configured;

    LlmHealthIndicator(LlmResilience resilience, boolean configured) {
        this.resilience = resilience;
        this.configured = configured;
    }

    @Override
    public Health health() {
        if (!configured) {
            return Health.up().withDetail("model", "extractive (no LLM endpoint configured)").build();
        }
        CircuitBreaker circuitBreaker = resilience.circuitBreaker();
        CircuitBreaker.Metrics metrics = circuitBreaker.getMetrics();
        return Health.up()
                .withDetail("circuit", AnswerMetrics.circuitTag(circuitBreaker.getState()))
                .withDetail("degraded", circuitBreaker.getState() != CircuitBreaker.State.CLOSED)
                .withDetail("failureRate", metrics.getFailureRate())
                .withDetail("bufferedCalls", metrics.getNumberOfBufferedCalls())
                .build();
    }
}
