package io.qaflow.kafka;

import io.qaflow.model.RequestEvent;
import io.qaflow.model.kafka.Topic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.MDC;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Spring Kafka listener containers the qaflow way: values read with their topic's serde behind an
 * {@code ErrorHandlingDeserializer} (a poison record reaches the error handler instead of blocking its partition),
 * the {@link DeadLetters} error handler, observation on (the record's trace context continues in the listener), the
 * record's key in the log context under the topic's key name (the request id on the pipeline topics) while a record is
 * handled, and the group's lag
 * in {@code qa.kafka.consumer.lag}. Offsets are committed after the listener returns.
 */
public final class ListenerContainers {
    private final KafkaClients clients;
    private final DeadLetters deadLetters;
    private final ConsumerLag lag;
    private final ConsumerHealth health;
    private final KafkaAdmin clusterId;

    ListenerContainers(KafkaClients clients, DeadLetters deadLetters, ConsumerLag lag, ConsumerHealth health,
                       KafkaAdmin clusterId) {
        this.clients = clients;
        this.deadLetters = deadLetters;
        this.lag = lag;
        this.health = health;
        this.clusterId = clusterId;
    }

    /** A container calling {@code listener} once per record of {@code topics}. */
    public <V> ConcurrentMessageListenerContainer<String, V> records(
            ListenerSpec spec, List<? extends Topic<String, ? extends V>> topics, MessageListener<String, V> listener) {
        ConcurrentMessageListenerContainer<String, V> container = create(spec, topics, ContainerProperties.AckMode.BATCH);
        container.getContainerProperties().setMessageListener(listener);
        container.setRecordInterceptor(new KeyInLogs<>(topics));
        return container;
    }

    /** A container calling {@code listener} with each poll's records of {@code topic}, committed as a batch. */
    public <V> ConcurrentMessageListenerContainer<String, V> batches(
            ListenerSpec spec, Topic<String, V> topic, BatchMessageListener<String, V> listener) {
        ConcurrentMessageListenerContainer<String, V> container = create(spec, List.of(topic),
                ContainerProperties.AckMode.BATCH);
        container.getContainerProperties().setMessageListener(listener);
        return container;
    }

    private <V> ConcurrentMessageListenerContainer<String, V> create(
            ListenerSpec spec, List<? extends Topic<String, ? extends V>> topics, ContainerProperties.AckMode ackMode) {
        Map<String, Object> config = new HashMap<>(clients.consumerConfig(spec.groupId(), spec.role()));
        if (spec.maxPollRecords() > 0) {
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, spec.maxPollRecords());
        }
        if (spec.startAtLatest()) {
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        }
        var consumers = new DefaultKafkaConsumerFactory<String, V>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(new TopicValueDeserializer<V>(topics)));
        ContainerProperties properties = new ContainerProperties(topics.stream().map(Topic::name)
                .toArray(String[]::new));
        properties.setAckMode(ackMode);
        properties.setPollTimeout(spec.pollTimeout().toMillis());
        properties.setObservationEnabled(true);
        if (spec.rebalanceListener() != null) {
            properties.setConsumerRebalanceListener(spec.rebalanceListener());
        }
        var container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        container.setConcurrency(spec.concurrency());
        container.setKafkaAdmin(clusterId);
        container.setAutoStartup(spec.autoStartup());
        DefaultErrorHandler errors = new DefaultErrorHandler(
                spec.recoverer() != null ? spec.recoverer() : deadLetters, spec.backOff());
        container.setCommonErrorHandler(errors);
        lag.register(spec.groupId(), topics.stream().map(Topic::name).toList(),
                () -> container.metrics().values());
        health.add(spec.groupId(), container);
        return container;
    }

    /** The log context's field of the experiment a request event belongs to. */
    public static final String EXPERIMENT_ID = "experimentId";

    /**
     * The record's key in the log context, under its topic's key name (the request id on the pipeline topics), and
     * the experiment of a request event, while it is handled.
     */
    private static final class KeyInLogs<V> implements RecordInterceptor<String, V> {
        private final Map<String, String> keyNames = new HashMap<>();

        KeyInLogs(List<? extends Topic<String, ?>> topics) {
            topics.forEach(topic -> keyNames.put(topic.name(), topic.keyName()));
        }

        @Override
        public ConsumerRecord<String, V> intercept(ConsumerRecord<String, V> record, Consumer<String, V> consumer) {
            if (record.key() != null) {
                MDC.put(keyNames.get(record.topic()), record.key());
            }
            if (record.value() instanceof RequestEvent event && event.variant() != null) {
                MDC.put(EXPERIMENT_ID, event.variant().experimentId());
            }
            return record;
        }

        @Override
        public void afterRecord(ConsumerRecord<String, V> record, Consumer<String, V> consumer) {
            MDC.remove(keyNames.get(record.topic()));
            MDC.remove(EXPERIMENT_ID);
        }
    }
}
