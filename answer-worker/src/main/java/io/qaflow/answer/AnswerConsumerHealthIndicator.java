package io.qaflow.answer;

import io.qaflow.kafka.ConcurrentRecordConsumer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Ready while the {@code qa.contexts.v1} consumer polls; part of the readiness group. */
final class AnswerConsumerHealthIndicator implements HealthIndicator {
    private final ConcurrentRecordConsumer consumer;

    AnswerConsumerHealthIndicator(ConcurrentRecordConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public Health health() {
        ConcurrentRecordConsumer.State state = consumer.state();
        Health.Builder health = state == ConcurrentRecordConsumer.State.RUNNING ? Health.up() : Health.down();
        return health.withDetail("state", consumer.stateName())
                .withDetail("inFlight", consumer.inFlight())
                .build();
    }
}
