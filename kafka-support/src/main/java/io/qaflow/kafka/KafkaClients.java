package io.qaflow.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Where every Kafka client of a service gets its configuration: Spring Boot's {@code spring.kafka.*} (brokers, TLS,
 * SASL, extra properties) under qaflow's client defaults, and a client id naming the service, the role and this
 * instance ({@code qaflow-gateway-results-1a2b3c4d}), unique when several services share a JVM.
 */
public final class KafkaClients {
    private final KafkaProperties boot;
    private final String application;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);

    KafkaClients(KafkaProperties boot, String application) {
        this.boot = boot;
        this.application = application;
    }

    /**
     * Clients outside a Spring context (tools, tests): {@code bootstrapServers} plus any client {@code properties}
     * (as {@code spring.kafka.properties.*} would give them).
     */
    public static KafkaClients standalone(String application, String bootstrapServers,
                                          Map<String, String> properties) {
        KafkaProperties boot = new KafkaProperties();
        boot.setBootstrapServers(java.util.List.of(bootstrapServers.split(",")));
        boot.getProperties().putAll(properties);
        return new KafkaClients(boot, application);
    }

    /** Producer configuration with qaflow's defaults (acks=all, idempotence) for a client outside any service. */
    public static Map<String, Object> producerConfigFor(String bootstrapServers, String clientId) {
        return ClientDefaults.producer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), clientId,
                30_000);
    }

    /**
     * Consumer configuration with qaflow's defaults (read_committed, manual commits, no auto-created topics) for a
     * client outside any service; {@code groupId} null: no group, partitions assigned by hand.
     */
    public static Map<String, Object> consumerConfigFor(String bootstrapServers, String groupId, String clientId) {
        return ClientDefaults.consumer(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), groupId,
                clientId);
    }

    public String bootstrapServers() {
        return String.join(",", boot.getBootstrapServers());
    }

    /** {@code <application>-<role>-<instance>}. */
    public String clientId(String role) {
        return application + "-" + role + "-" + instance;
    }

    /** Consumer configuration for {@code groupId} (null: no group, partitions assigned by hand). */
    public Map<String, Object> consumerConfig(String groupId, String role) {
        return ClientDefaults.consumer(boot.buildConsumerProperties(), groupId, clientId(role));
    }

    Map<String, Object> producerConfig(String role, long deliveryTimeoutMs) {
        return ClientDefaults.producer(boot.buildProducerProperties(), clientId(role), deliveryTimeoutMs);
    }

    /** A byte-array consumer (the caller deserializes with the topic's serde, so a poison record is its to handle). */
    public Consumer<byte[], byte[]> rawConsumer(String groupId, String role, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(consumerConfig(groupId, role));
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public Admin admin(String role) {
        Map<String, Object> config = new HashMap<>(boot.buildAdminProperties());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId(role));
        return Admin.create(config);
    }

    /** Streams configuration from {@code spring.kafka.*} (security and extra properties included). */
    public Map<String, Object> streamsConfig() {
        return new HashMap<>(boot.buildStreamsProperties());
    }
}
