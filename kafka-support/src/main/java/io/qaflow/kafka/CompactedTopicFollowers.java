package io.qaflow.kafka;

import io.qaflow.model.kafka.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Makes {@link CompactedTopicFollower}s of a service: String keys, raw values (the owner reads them with the topic's
 * serde and dead-letters what it cannot use through {@link DeadLetters}), consumers from the service's Kafka
 * settings, lag in {@code qa.kafka.consumer.lag{group=<name>}}.
 */
public final class CompactedTopicFollowers {
    private final KafkaClients clients;
    private final ConsumerLag lag;

    CompactedTopicFollowers(KafkaClients clients, ConsumerLag lag) {
        this.clients = clients;
        this.lag = lag;
    }

    /**
     * @param name the follower's thread name and its name in the lag metric
     * @param maxPollRecords records per poll (one batch for the handler), 0 for the client's default
     * @param retryPause the wait after a Kafka error before a new consumer resumes where the last one stopped
     */
    public CompactedTopicFollower<String, byte[]> follow(String name, List<? extends Topic<String, ?>> topics,
                                                          Duration pollTimeout, int maxPollRecords,
                                                          Duration retryPause,
                                                          CompactedTopicFollower.Handler<String, byte[]> handler) {
        Map<String, Object> config = clients.consumerConfig(null, name);
        if (maxPollRecords > 0) {
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        }
        List<String> names = topics.stream().map(Topic::name).toList();
        CompactedTopicFollower<String, byte[]> follower = new CompactedTopicFollower<>(name, names,
                () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()),
                pollTimeout, retryPause, handler);
        lag.register(name, names, follower::clientMetrics);
        return follower;
    }
}
