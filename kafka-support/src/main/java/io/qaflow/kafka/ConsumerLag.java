package io.qaflow.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Consumer lag as one gauge per consumer group and topic, {@code qa.kafka.consumer.lag{group,topic}}: the records
 * between this instance's consumers' positions and the partitions' ends, summed over the partitions they hold, read
 * from the Kafka clients' own {@code records-lag} metrics when scraped. Tags stay bounded: the group and the catalog
 * topic, never a partition or a client id. Groupless followers report under their reader's name.
 */
public final class ConsumerLag {
    private static final String FETCH_METRICS = "consumer-fetch-manager-metrics";
    private static final String RECORDS_LAG = "records-lag";

    private final MeterRegistry registry;

    ConsumerLag(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param group the consumer group (or the follower's name)
     * @param topics the topics it reads
     * @param clientMetrics the metrics of its current clients (re-read at every scrape: clients come and go)
     */
    public void register(String group, Collection<String> topics,
                         Supplier<? extends Collection<? extends Map<MetricName, ? extends Metric>>> clientMetrics) {
        for (String topic : topics) {
            Gauge.builder("qa.kafka.consumer.lag", () -> lag(clientMetrics.get(), topic))
                    .description("Records this instance's consumers are behind the end of the topic")
                    .tag("group", group).tag("topic", topic)
                    .register(registry);
        }
    }

    /** For one client: its metrics as a one-element collection. */
    public static Supplier<List<Map<MetricName, ? extends Metric>>> of(
            Supplier<Map<MetricName, ? extends Metric>> client) {
        return () -> {
            Map<MetricName, ? extends Metric> metrics = client.get();
            return metrics == null ? List.of() : List.of(metrics);
        };
    }

    static double lag(Collection<? extends Map<MetricName, ? extends Metric>> clients, String topic) {
        double lag = 0;
        for (Map<MetricName, ? extends Metric> metrics : clients) {
            for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
                MetricName name = entry.getKey();
                if (RECORDS_LAG.equals(name.name()) && FETCH_METRICS.equals(name.group())
                        && topic.equals(name.tags().get("topic")) && name.tags().containsKey("partition")) {
                    Object value = entry.getValue().metricValue();
                    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                        lag += n.doubleValue();
                    }
                }
            }
        }
        return lag;
    }
}
