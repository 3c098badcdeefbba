package io.qaflow.kafka;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka settings every qaflow service shares, under {@code qaflow.kafka.*}. The brokers are Spring Boot's
 * {@code spring.kafka.bootstrap-servers} (and {@code spring.kafka.properties.*} / {@code spring.kafka.ssl.*} /
 * {@code spring.kafka.security.*} for TLS and SASL, applied to every client this module creates).
 *
 * @param topics how the catalog topics are created when missing
 * @param publish how long a publish may take and how often a failed one is sent again
 * @param availability how the brokers are watched (readiness, fail-fast of the gateway)
 * @param consumer how a consumer loop that failed is restarted
 */
@Validated
@ConfigurationProperties("qaflow.kafka")
public record KafkaSupportProperties(
        @Valid @NotNull @DefaultValue Topics topics,
        @Valid @NotNull @DefaultValue Publish publish,
        @Valid @NotNull @DefaultValue Availability availability,
        @Valid @NotNull @DefaultValue Consumer consumer) {

    /**
     * @param provision whether this service creates the missing catalog and dead-letter topics at start-up (off
     *        where topics are managed elsewhere, e.g. by a Strimzi KafkaTopic or Terraform)
     * @param partitions partitions of each topic: the ceiling of consumers per group
     * @param replicationFactor replicas of each partition (3 in production)
     * @param minInsyncReplicas replicas that must have a record before an acks=all publish succeeds (2 of 3 in
     *        production: one broker may be lost without losing an acknowledged record)
     */
    public record Topics(
            @DefaultValue("true") boolean provision,
            @DefaultValue("3") @Min(1) int partitions,
            @DefaultValue("1") @Min(1) short replicationFactor,
            @DefaultValue("1") @Min(1) int minInsyncReplicas) {
        public Topics {
            if (minInsyncReplicas > replicationFactor) {
                throw new IllegalArgumentException("qaflow.kafka.topics.min-insync-replicas (" + minInsyncReplicas
                        + ") cannot exceed replication-factor (" + replicationFactor + ")");
            }
        }
    }

    /**
     * @param timeout how long one attempt may wait for the broker's acknowledgement (the producer's delivery
     *        timeout); an attempt that runs out may still have landed
     * @param attempts attempts in all for a publish whose failure is retriable (a broker away for longer than the
     *        producer's own retries); 1 sends once
     * @param backoff the wait before the next attempt, doubled each time
     */
    public record Publish(
            @DefaultValue("10s") @NotNull Duration timeout,
            @DefaultValue("3") @Min(1) int attempts,
            @DefaultValue("500ms") @NotNull Duration backoff) {}

    /**
     * @param probeInterval how often the cluster is asked for its brokers
     * @param probeTimeout how long one probe may take before the brokers count as gone
     */
    public record Availability(
            @DefaultValue("2s") @NotNull Duration probeInterval,
            @DefaultValue("3s") @NotNull Duration probeTimeout) {}

    /**
     * @param restartBackoff the first wait before a failed consumer loop starts again (doubled up to
     *        {@code maxRestartBackoff})
     * @param maxRestartBackoff the longest wait between restarts
     * @param failuresBeforeDown consecutive failed runs, without a successful poll between them, after which the
     *        liveness probe reports DOWN so the orchestrator replaces the process
     */
    public record Consumer(
            @DefaultValue("1s") @NotNull Duration restartBackoff,
            @DefaultValue("30s") @NotNull Duration maxRestartBackoff,
            @DefaultValue("5") @Min(1) int failuresBeforeDown) {}
}
