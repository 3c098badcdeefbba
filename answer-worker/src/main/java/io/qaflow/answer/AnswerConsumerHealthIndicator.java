package io.qaflow.answer;

import io.qaflow.answer.worker.ContextConsumerRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Ready while the {@code qa.contexts.v1} consumer polls; part of the readiness group. */
final class AnswerConsumerHealthIndicator implements HealthIndicator {
    private final ContextConsumerRunner runner;

    AnswerConsumerHealthIndicator(ContextConsumerRunner runner) {
        this.runner = runner;
    }

    @Override
    public Health health() {
        ContextConsumerRunner.State state = runner.state();
        Health.Builder health = state == ContextConsumerRunner.State.RUNNING ? Health.up() : Health.down();
        return health.withDetail("state", state.name().toLowerCase(java.util.Locale.ROOT))
                .withDetail("inFlight", runner.inFlight())
                .build();
    }
}
