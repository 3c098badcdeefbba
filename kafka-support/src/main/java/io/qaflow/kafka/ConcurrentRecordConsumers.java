package io.qaflow.kafka;

import io.qaflow.model.kafka.Topic;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/** Makes a service's {@link ConcurrentRecordConsumer}s: clients from its Kafka settings, dead letters, lag, traces. */
public final class ConcurrentRecordConsumers {
    private final KafkaClients clients;
    private final DeadLetters deadLetters;
    private final ConsumerLag lag;
    private final RecordObservations observations;
    private final KafkaSupportProperties.Consumer supervision;
    private final ConsumerHealth health;

    ConcurrentRecordConsumers(KafkaClients clients, DeadLetters deadLetters, ConsumerLag lag,
                              RecordObservations observations, KafkaSupportProperties.Consumer supervision,
                              ConsumerHealth health) {
        this.clients = clients;
        this.deadLetters = deadLetters;
        this.lag = lag;
        this.observations = observations;
        this.supervision = supervision;
        this.health = health;
    }

    /**
     * A consumer of {@code topic} in group {@code groupId}, handing every record to {@code processor}; a record it
     * throws on is parked on the topic's dead-letter topic.
     */
    public ConcurrentRecordConsumer create(Topic<String, ?> topic, String groupId,
                                           ConcurrentRecordConsumer.Settings settings, RecordProcessor processor) {
        String role = topic.name().replace("qa.", "").replace(".v1", "");
        Map<String, Object> overrides = Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords(),
                // a rebalance revokes only the partitions that move, so the others' in-flight work is not redone
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        var setup = new ConcurrentPollLoop.Setup(topic.name(), topic.keyName(), groupId, processor, deadLetters,
                settings.maxInFlight(), settings.pollTimeout(), settings.shutdownTimeout(), new AtomicInteger(),
                observations);
        var consumer = new ConcurrentRecordConsumer(groupId, () -> clients.rawConsumer(groupId, role, overrides),
                () -> clients.clientId(role), setup, supervision);
        lag.register(groupId, List.of(topic.name()), consumer::clientMetrics);
        health.add(consumer);
        return consumer;
    }
}
