package io.qaflow.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;

/**
 * The Kafka runtime of a qaflow service, auto-configured for every service that has this module: its one producer
 * and {@link EventPublisher}, the {@link DeadLetters} path, factories for listener containers, concurrent record
 * consumers and compacted-topic followers, topic provisioning, the broker availability probe, consumer lag and the
 * health indicators {@code kafka} and {@code kafkaConsumers}. Runs before Spring Boot's own Kafka auto-configuration,
 * whose producer factory and template then step back.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties({KafkaSupportProperties.class, KafkaProperties.class})
public class KafkaSupportAutoConfiguration {
    /** Room for the batch and record headers and the tracing headers of an observed send. */
    static final int RECORD_OVERHEAD_BYTES = 4 * 1024;
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    @Bean
    KafkaClients qaflowKafkaClients(KafkaProperties kafka, Environment environment) {
        return new KafkaClients(kafka, environment.getProperty("spring.application.name", "qaflow"));
    }

    @Bean
    @ConditionalOnProperty(name = "qaflow.kafka.topics.provision", havingValue = "true", matchIfMissing = true)
    KafkaAdmin.NewTopics qaflowTopics(KafkaSupportProperties properties) {
        return new KafkaAdmin.NewTopics(TopicProvisioner.of(properties.topics()).newTopics()
                .toArray(NewTopic[]::new));
    }

    @Bean
    KafkaAvailability kafkaAvailability(KafkaClients clients, KafkaSupportProperties properties,
                                        MeterRegistry registry) {
        return new KafkaAvailability(() -> clients.admin("probe"), properties.availability(), registry);
    }

    @Bean
    HealthIndicator kafkaHealthIndicator(KafkaAvailability availability) {
        return new KafkaHealthIndicator(availability);
    }

    @Bean
    ProducerFactory<Object, Object> qaflowProducerFactory(KafkaClients clients, KafkaSupportProperties properties) {
        Map<String, Object> config = clients.producerConfig("producer", properties.publish().timeout().toMillis());
        DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(config,
                new StringOrBytesSerializer(), new BytesOrJsonSerializer());
        factory.setPhysicalCloseTimeout((int) Math.max(1, properties.publish().timeout().toSeconds()));
        return factory;
    }

    @Bean
    KafkaTemplate<Object, Object> qaflowKafkaTemplate(ProducerFactory<Object, Object> qaflowProducerFactory,
                                                      KafkaAvailability availability) {
        KafkaTemplate<Object, Object> template = new KafkaTemplate<>(qaflowProducerFactory);
        template.setObservationEnabled(true);
        template.setKafkaAdmin(new ProbedClusterId(availability));
        // failures are the publisher's to log, once per publish, not once per attempt
        template.setProducerListener(new ProducerListener<>() {});
        return template;
    }

    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(KafkaTemplate<Object, Object> qaflowKafkaTemplate,
                                  ProducerFactory<Object, Object> qaflowProducerFactory,
                                  KafkaAvailability availability, KafkaSupportProperties properties,
                                  MeterRegistry registry) {
        Object configured = qaflowProducerFactory.getConfigurationProperties()
                .getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_SIZE);
        int maxRequestSize = configured instanceof Number n ? n.intValue() : Integer.parseInt(configured.toString());
        return new EventPublisher(qaflowKafkaTemplate, availability, properties.publish(),
                maxRequestSize - RECORD_OVERHEAD_BYTES, registry);
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<Object, Object> qaflowKafkaTemplate, KafkaSupportProperties properties,
                            MeterRegistry registry) {
        return new DeadLetters(qaflowKafkaTemplate, properties.publish().timeout(), registry);
    }

    @Bean
    ConsumerLag consumerLag(MeterRegistry registry) {
        return new ConsumerLag(registry);
    }

    @Bean
    ConsumerHealth kafkaConsumersHealthIndicator() {
        return new ConsumerHealth();
    }

    @Bean
    ListenerContainers listenerContainers(KafkaClients clients, DeadLetters deadLetters, ConsumerLag lag,
                                          ConsumerHealth kafkaConsumersHealthIndicator,
                                          KafkaAvailability availability) {
        return new ListenerContainers(clients, deadLetters, lag, kafkaConsumersHealthIndicator,
                new ProbedClusterId(availability));
    }

    @Bean
    RecordObservations recordObservations(ObjectProvider<ObservationRegistry> observations) {
        return new RecordObservations(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    ConcurrentRecordConsumers concurrentRecordConsumers(KafkaClients clients, DeadLetters deadLetters,
                                                        ConsumerLag lag, RecordObservations recordObservations,
                                                        KafkaSupportProperties properties,
                                                        ConsumerHealth kafkaConsumersHealthIndicator) {
        return new ConcurrentRecordConsumers(clients, deadLetters, lag, recordObservations, properties.consumer(),
                kafkaConsumersHealthIndicator);
    }

    @Bean
    CompactedTopicFollowers compactedTopicFollowers(KafkaClients clients, ConsumerLag lag) {
        return new CompactedTopicFollowers(clients, lag);
    }
}
