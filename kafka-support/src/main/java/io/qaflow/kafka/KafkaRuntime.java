package io.qaflow.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Map;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * This module's components wired without Spring, for tools and tests that run a piece of a service on their own: the
 * same publisher, dead-letter path, followers and concurrent consumers a service gets from
 * {@link KafkaSupportAutoConfiguration}, over one producer, with the brokers assumed reachable (no probe).
 */
public final class KafkaRuntime implements AutoCloseable {
    private final DefaultKafkaProducerFactory<Object, Object> producers;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final CompactedTopicFollowers followers;
    private final ConcurrentRecordConsumers consumers;

    private KafkaRuntime(KafkaClients clients, KafkaSupportProperties settings, MeterRegistry registry) {
        this.producers = new DefaultKafkaProducerFactory<>(
                clients.producerConfig("producer", settings.publish().timeout().toMillis()),
                new StringOrBytesSerializer(), new BytesOrJsonSerializer());
        KafkaTemplate<Object, Object> template = new KafkaTemplate<>(producers);
        template.setProducerListener(new ProducerListener<>() {});
        ConsumerLag lag = new ConsumerLag(registry);
        this.publisher = new EventPublisher(template, KafkaAvailability.assumed(registry), settings.publish(),
                KafkaSupportAutoConfiguration.DEFAULT_MAX_REQUEST_SIZE
                        - KafkaSupportAutoConfiguration.RECORD_OVERHEAD_BYTES, registry);
        this.deadLetters = new DeadLetters(template, settings.publish().timeout(), registry);
        this.followers = new CompactedTopicFollowers(clients, lag);
        this.consumers = new ConcurrentRecordConsumers(clients, deadLetters, lag,
                new RecordObservations(ObservationRegistry.NOOP),
                settings.consumer(), new ConsumerHealth());
    }

    /** Default settings (3 publish attempts 500 ms apart, 10 s each; restarts from 1 s). */
    public static KafkaRuntime standalone(String application, String bootstrapServers, MeterRegistry registry) {
        return standalone(application, bootstrapServers, registry, new KafkaSupportProperties.Publish(
                Duration.ofSeconds(10), 3, Duration.ofMillis(500)));
    }

    public static KafkaRuntime standalone(String application, String bootstrapServers, MeterRegistry registry,
                                          KafkaSupportProperties.Publish publish) {
        KafkaSupportProperties defaults = new KafkaSupportProperties(
                new KafkaSupportProperties.Topics(true, 3, (short) 1, 1), publish,
                new KafkaSupportProperties.Availability(Duration.ofSeconds(2), Duration.ofSeconds(3)),
                new KafkaSupportProperties.Consumer(Duration.ofMillis(200), Duration.ofSeconds(5), 5));
        return new KafkaRuntime(KafkaClients.standalone(application, bootstrapServers, Map.of()), defaults, registry);
    }

    public EventPublisher publisher() {
        return publisher;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public CompactedTopicFollowers followers() {
        return followers;
    }

    public ConcurrentRecordConsumers consumers() {
        return consumers;
    }

    @Override
    public void close() {
        publisher.close();
        producers.destroy();
    }
}
