package io.qaflow.metrics;

import io.qaflow.metrics.topology.TopologySettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Settings of the metrics aggregator, under {@code qaflow.aggregator.*}. */
@Validated
@ConfigurationProperties("qaflow.aggregator")
public record MetricsAggregatorProperties(
        @Valid @DefaultValue Streams streams,
        @Valid @DefaultValue Windows windows,
        @Valid @DefaultValue Query query) {

    public TopologySettings topologySettings() {
        return new TopologySettings(windows.size(), windows.grace(), windows.dedupRetention(), windows.flushInterval(),
                windows.verdictInterval());
    }

    /**
     * The Kafka Streams client.
     *
     * @param applicationId consumer group and prefix of the internal topics; changing it starts from scratch
     * @param stateDir where the RocksDB state stores live; empty = Kafka Streams' default under the temp directory
     * @param commitInterval how often results are committed (and, under exactly-once, become visible)
     * @param advertisedHost the host name other instances reach this one's HTTP port at, for routed queries
     *
     * <p>Internal topics (changelogs, repartitions) get {@code qaflow.kafka.topics.replication-factor} and
     * {@code min-insync-replicas}, like the catalog topics.
     */
    public record Streams(
            @DefaultValue("qa-metrics-aggregator") @NotBlank String applicationId,
            String stateDir,
            @DefaultValue("2") @Min(1) int threads,
            @DefaultValue("1s") @NotNull Duration commitInterval,
            @DefaultValue("30s") @NotNull Duration closeTimeout,
            @DefaultValue("127.0.0.1") @NotBlank String advertisedHost) {}

    /**
     * @param size tumbling window length
     * @param grace how long after a window's end a late event is still counted in it
     * @param dedupRetention how long event ids are remembered to drop redelivered events
     * @param flushInterval how often each input task forwards its partial aggregates downstream
     * @param verdictInterval how often verdicts are recomputed (one sequential look each time)
     */
    public record Windows(
            @DefaultValue("1m") @NotNull Duration size,
            @DefaultValue("30s") @NotNull Duration grace,
            @DefaultValue("1d") @NotNull Duration dedupRetention,
            @DefaultValue("1s") @NotNull Duration flushInterval,
            @DefaultValue("10s") @NotNull Duration verdictInterval) {}

    /** @param recentWindows how many of a variant's latest windows {@code GET /v1/experiments/{id}/stats} returns */
    public record Query(@DefaultValue("10") @Min(1) int recentWindows) {}
}
