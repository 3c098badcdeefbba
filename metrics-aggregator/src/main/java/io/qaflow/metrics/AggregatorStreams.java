package io.qaflow.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.qaflow.metrics.topology.AggregatorTopology;
import io.qaflow.metrics.topology.DeadLetterHandler;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the aggregator topology for as long as the application context lives. Each instance advertises its HTTP
 * address ({@code application.server}) so that any instance can route an interactive query to the one owning a key.
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

    AggregatorStreams(String bootstrapServers, MetricsAggregatorProperties properties, MeterRegistry meters) {
        this.topology = AggregatorTopology.build(properties.topologySettings());
        this.settings = properties.streams();
        this.config = streamsConfig(bootstrapServers, settings);
        this.meters = meters;
    }

    static Properties streamsConfig(String bootstrapServers, MetricsAggregatorProperties.Streams settings) {
        var config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replication());
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        // changelog and dedup records leave in large batches: the measured gain is ~10% (./qaflow bench aggregator)
        config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        if (settings.stateDir() != null && !settings.stateDir().isBlank()) {
            config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        }
        return config;
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
            log.error("aggregator stream thread failed; shutting the Streams client down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
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
