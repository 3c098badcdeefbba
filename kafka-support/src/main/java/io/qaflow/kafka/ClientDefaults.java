package io.qaflow.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Client settings every qaflow service shares: reliable producers, consumers that commit only what they finished. */
final class ClientDefaults {
    private ClientDefaults() {}

    static Map<String, Object> producer(Map<String, Object> base, String clientId, long deliveryTimeoutMs) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long lingerMs = 2;
        long requestTimeoutMs = Math.min(deliveryTimeoutMs - lingerMs, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, requestTimeoutMs));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeoutMs);
        // send() may block fetching a topic's metadata; it must not outlast the wait for the acknowledgement
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeoutMs);
        return props;
    }

    static Map<String, Object> consumer(Map<String, Object> base, String groupId, String clientId) {
        Map<String, Object> props = new HashMap<>(base);
        if (groupId == null) {
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // a member that died (kill -9, a lost node) gives its partitions back after 10 s, not the default 45 s:
        // requests have 30 s to live, and the drills showed a third of them expiring behind a dead answer worker
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        return props;
    }
}
