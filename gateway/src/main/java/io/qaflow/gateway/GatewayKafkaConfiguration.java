package io.qaflow.gateway;

import io.qaflow.gateway.cache.ObservedAnswers;
import io.qaflow.gateway.kafka.EventPublisher;
import io.qaflow.gateway.kafka.ResultEventDeserializer;
import io.qaflow.gateway.kafka.ResultsAssignment;
import io.qaflow.gateway.kafka.ResultsConsumerHealthIndicator;
import io.qaflow.gateway.kafka.ResultsListener;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.model.kafka.BytesOrJsonSerializer;
import io.qaflow.model.kafka.ClientDefaults;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.TopicProvisioner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka for the gateway: the catalog topics (created when missing), an idempotent acks=all producer, and the consumer
 * of answers, failures and progress in a consumer group of this instance alone, starting at the latest offsets.
 * Unreadable records on those topics are counted, logged and copied to the topic's dead-letter topic; they never
 * block a partition.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayKafkaConfiguration {
    private static final Logger log = LoggerFactory.getLogger(GatewayKafkaConfiguration.class);
    private static final List<Topic<String, ?>> RESULT_TOPICS = ResultEventDeserializer.TOPICS;
    /** The producer's default max.request.size. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Room for the batch and record headers and the tracing headers of an observed send. */
    static final int RECORD_OVERHEAD_BYTES = 4 * 1024;

    @Bean
    KafkaAdmin.NewTopics qaflowTopics(GatewayProperties properties) {
        return new KafkaAdmin.NewTopics(new TopicProvisioner(properties.topics().partitions(),
                properties.topics().replication()).newTopics().toArray(NewTopic[]::new));
    }

    @Bean
    ProducerFactory<String, Object> gatewayProducerFactory(KafkaProperties kafka, GatewayProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.putAll(ClientDefaults.producer(bootstrapServers(kafka), "qa-gateway-" + properties.instanceId()));
        alignTimeouts(config, properties.publishTimeout().toMillis());
        DefaultKafkaProducerFactory<String, Object> factory = new DefaultKafkaProducerFactory<>(config,
                new StringSerializer(), new BytesOrJsonSerializer());
        factory.setPhysicalCloseTimeout((int) Math.max(1, properties.publishTimeout().toSeconds()));
        return factory;
    }

    @Bean
    KafkaTemplate<String, Object> gatewayKafkaTemplate(ProducerFactory<String, Object> producerFactory) {
        KafkaTemplate<String, Object> template = new KafkaTemplate<>(producerFactory);
        template.setObservationEnabled(true);
        return template;
    }

    @Bean
    EventPublisher eventPublisher(KafkaTemplate<String, Object> gatewayKafkaTemplate,
                                  ProducerFactory<String, Object> gatewayProducerFactory,
                                  GatewayProperties properties) {
        Object configured = gatewayProducerFactory.getConfigurationProperties()
                .getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_SIZE);
        int maxRequestSize = configured instanceof Number n ? n.intValue() : Integer.parseInt(configured.toString());
        return new EventPublisher(gatewayKafkaTemplate, properties.publishTimeout(),
                maxRequestSize - RECORD_OVERHEAD_BYTES);
    }

    @Bean
    ConsumerFactory<String, Object> gatewayResultsConsumerFactory(KafkaProperties kafka,
                                                                  GatewayProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.putAll(ClientDefaults.consumer(bootstrapServers(kafka), properties.resultsGroupId(),
                properties.resultsGroupId()));
        // a new instance cares only about requests it accepts from now on
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(new ResultEventDeserializer()));
    }

    @Bean
    ResultsAssignment resultsAssignment() {
        return new ResultsAssignment(RESULT_TOPICS);
    }

    @Bean
    ResultsConsumerHealthIndicator resultsConsumerHealthIndicator(ResultsAssignment assignment) {
        return new ResultsConsumerHealthIndicator(assignment);
    }

    @Bean
    ResultsListener resultsListener(RequestTracker tracker, ObservedAnswers observedAnswers) {
        return new ResultsListener(tracker, observedAnswers);
    }

    @Bean
    DefaultErrorHandler resultsErrorHandler(KafkaTemplate<String, Object> gatewayKafkaTemplate,
                                            GatewayMetrics metrics, GatewayProperties properties) {
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(gatewayKafkaTemplate,
                (record, e) -> new TopicPartition(deadLetterTopicOf(record.topic()), -1));
        // a dead-letter topic that cannot be written must not stall the answers behind the record
        deadLetters.setFailIfSendResultIsError(false);
        deadLetters.setWaitForSendResultTimeout(properties.publishTimeout());
        ConsumerRecordRecoverer recoverer = (record, e) -> {
            Throwable cause = rootCause(e);
            boolean unreadable = causedBy(e, DeserializationException.class);
            metrics.error("consume", unreadable ? "unreadable_record" : "listener_error");
            log.warn("skipping {} record {}-{}@{} (copied to {}): {}", unreadable ? "an unreadable" : "a failed",
                    record.topic(), record.partition(), record.offset(), deadLetterTopicOf(record.topic()),
                    cause.getMessage());
            deadLetters.accept(record, e);
        };
        return new DefaultErrorHandler(recoverer, new FixedBackOff(0L, 0L));
    }

    @Bean
    ConcurrentMessageListenerContainer<String, Object> gatewayResultsContainer(
            ConsumerFactory<String, Object> gatewayResultsConsumerFactory, ResultsListener listener,
            ResultsAssignment assignment, DefaultErrorHandler resultsErrorHandler) {
        ContainerProperties containerProperties = new ContainerProperties(
                RESULT_TOPICS.stream().map(Topic::name).toArray(String[]::new));
        containerProperties.setMessageListener(listener);
        containerProperties.setConsumerRebalanceListener(assignment);
        containerProperties.setObservationEnabled(true);
        ConcurrentMessageListenerContainer<String, Object> container =
                new ConcurrentMessageListenerContainer<>(gatewayResultsConsumerFactory, containerProperties);
        container.setCommonErrorHandler(resultsErrorHandler);
        container.setConcurrency(1);
        return container;
    }

    /**
     * The producer gives up about when the HTTP caller does (max.block.ms and delivery.timeout.ms follow the publish
     * timeout). A record may still land after a timeout (a lost acknowledgement), which is why the question intake
     * keeps a request whose publish outcome is unknown.
     */
    private static void alignTimeouts(Map<String, Object> config, long publishTimeoutMs) {
        long requestTimeoutMs = Math.min(publishTimeoutMs,
                ((Number) config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).longValue());
        long lingerMs = ((Number) config.get(ProducerConfig.LINGER_MS_CONFIG)).longValue();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, publishTimeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeoutMs);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(publishTimeoutMs,
                requestTimeoutMs + lingerMs));
    }

    private static String bootstrapServers(KafkaProperties kafka) {
        return String.join(",", kafka.getBootstrapServers());
    }

    private static String deadLetterTopicOf(String topic) {
        return RESULT_TOPICS.stream().filter(t -> t.name().equals(topic)).findFirst()
                .map(Topic::deadLetterName).orElse(topic + Topic.DEAD_LETTER_SUFFIX);
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
