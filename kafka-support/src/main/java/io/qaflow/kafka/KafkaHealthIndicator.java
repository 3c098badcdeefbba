package io.qaflow.kafka;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** {@code kafka}: UP while a broker answers the availability probe, DOWN while none does. */
final class KafkaHealthIndicator implements HealthIndicator {
    private final KafkaAvailability availability;

    KafkaHealthIndicator(KafkaAvailability availability) {
        this.availability = availability;
    }

    @Override
    public Health health() {
        KafkaAvailability.State state = availability.state();
        Health.Builder health = state.available() ? Health.up() : Health.down();
        health.withDetail("since", state.since().toString());
        if (state.brokers() >= 0) {
            health.withDetail("brokers", state.brokers());
        }
        if (state.lastError() != null) {
            health.withDetail("error", state.lastError());
        }
        return health.build();
    }
}
