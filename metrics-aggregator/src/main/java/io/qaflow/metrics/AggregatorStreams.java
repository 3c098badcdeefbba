package io.qaflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.kafka.ConsumerLag;
import io.qaflow.kafka.KafkaClients;
import io.qaflow.kafka.KafkaSupportProperties;
import io.qaflow.kafka.StreamsDeadLetters;
import io.qaflow.metrics.topology.AggregatorTopology;
import io.qaflow.model.kafka.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the aggregator topology for as long as the application context lives. Each instance advertises its HTTP
 * address ({@code application.server}) so that any instance can route an interactive query to the one owning a key.
 *
 * <p>One bad record never stops it: records that cannot be read or whose processing throws are parked on their
 * topic's dead-letter topic and counted ({@link StreamsDeadLetters}), and a stream thread that dies anyway is replaced,
 * resuming from its last commit (exactly-once: nothing counted twice), instead of shutting the client down.
 */
final class AggregatorStreams implements SmartLifecycle, ApplicationListener<WebServerInitializedEvent> {
    private static final Logger log = LoggerFactory.getLogger(AggregatorStreams.class);

    private final Topology topology;
    private final Properties config;
    private final MetricsAggregatorProperties.Streams settings;
    private final MeterRegistry meters;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics metrics;
    private volatile HostInfo self;

    AggregatorStreams(KafkaClients clients, KafkaSupportProperties.Topics topics,
                      MetricsAggregatorProperties properties, MeterRegistry meters, ConsumerLag lag,
                      ObservationRegistry observations) {
        this.topology = AggregatorTopology.build(properties.topologySettings(), observations);
        this.settings = properties.streams();
        this.config = streamsConfig(clients.streamsConfig(), settings, topics, meters);
        this.meters = meters;
        lag.register(settings.applicationId(), List.of(Topics.ANSWERS.name(), Topics.FAILURES.name(),
                Topics.FEEDBACK.name(), Topics.EXPERIMENTS.name()), this::clientMetrics);
    }

    /**
     * The Streams configuration: {@code spring.kafka.*} (brokers, security) under the aggregator's settings.
     * Exposed for the benchmark, which runs a pass-through topology with the same settings.
     */
    public static Properties streamsConfig(Map<String, Object> base, MetricsAggregatorProperties.Streams settings,
                                           KafkaSupportProperties.Topics topics, MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        config.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), topics.minInsyncReplicas());
        StreamsDeadLetters.configure(config, meters);
        // an instance that died hands its tasks over after 10 s, not the default 45 s
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        // changelog and dedup records leave in large batches: the measured gain is ~10% (./qaflow bench aggregator)
        config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        if (settings.stateDir() != null && !settings.stateDir().isBlank()) {
            config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        }
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }

    /** The metrics of the stream threads' main consumers, for the lag gauge. */
    private List<Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric>> clientMetrics() {
        KafkaStreams current = streams;
        if (current == null) {
            return List.of();
        }
        Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric> main = new HashMap<>();
        current.metrics().forEach((name, metric) -> {
            String client = name.tags().get("client-id");
            if (client != null && client.endsWith("-consumer") && !client.endsWith("restore-consumer")) {
                main.put(name, metric);
            }
        });
        return List.of(main);
    }

    Topology topology() {
        return topology;
    }

    /** The web server starts before this lifecycle (a lower phase), so its port is known when Streams starts. */
    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            self = new HostInfo(settings.advertisedHost(), event.getWebServer().getPort());
        }
    }

    /** This instance's advertised address; null before the web server has started. */
    HostInfo self() {
        return self;
    }

    /** The instances that hold a part of the given store (this one included); empty while unknown. */
    List<HostInfo> hostsOf(String storeName) {
        return running().streamsMetadataForStore(storeName).stream().map(StreamsMetadata::hostInfo).toList();
    }

    /** The instance whose active task holds the key; NOT_AVAILABLE while rebalancing. */
    KeyQueryMetadata ownerOf(String storeName, String key) {
        return running().queryMetadataForKey(storeName, key, new StringSerializer());
    }

    /** Queries read the client without the lifecycle's lock: a stop may hold it for the whole close timeout. */
    private KafkaStreams running() {
        KafkaStreams current = streams;
        if (current == null) {
            throw new InvalidStateStoreException("the aggregator is not running");
        }
        return current;
    }

    /** A read-only view of one of the topology's state stores; throws InvalidStateStoreException while unavailable. */
    <T> T store(StoreQueryParameters<T> parameters) {
        return running().store(parameters);
    }

    KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    @Override
    public synchronized void start() {
        var effective = new Properties();
        effective.putAll(config);
        if (self != null) {
            effective.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        streams = new KafkaStreams(topology, effective);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("an aggregator stream thread failed; replacing it (it resumes from its last commit)", e);
            Counter.builder("qa.aggregator.thread.replacements")
                    .description("Stream threads that died and were replaced").register(meters).increment();
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(meters);
        streams.start();
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            // leave the group on a clean stop: a restarted instance then gets its partitions at once instead of
            // waiting out the old member's session timeout (Streams stays in the group by default)
            streams.close(CloseOptions.timeout(settings.closeTimeout())
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            metrics.close();
            streams = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return streams != null;
    }
}
