package io.qaflow.gateway.kafka;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Part of the readiness group: DOWN until the result topics' partitions are assigned to this instance. */
public final class ResultsConsumerHealthIndicator implements HealthIndicator {
    private final ResultsAssignment assignment;

    public ResultsConsumerHealthIndicator(ResultsAssignment assignment) {
        this.assignment = assignment;
    }

    @Override
    public Health health() {
        Health.Builder health = assignment.isReady() ? Health.up() : Health.down()
                .withDetail("reason", "waiting for the partitions of " + assignment.requiredTopics());
        return health.withDetail("assignedPartitions", assignment.assignedPartitions()).build();
    }
}
