package io.qaflow.gateway.experiments;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.gateway.GatewayProperties;
import io.qaflow.model.kafka.ClientDefaults;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The experiment and prompt catalog, its Kafka reader and its health. The resolver bean is in GatewayConfiguration. */
@Configuration(proxyBeanMethods = false)
public class ExperimentsConfiguration {

    @Bean
    ExperimentCatalog experimentCatalog() {
        return new ExperimentCatalog();
    }

    @Bean
    CatalogReader experimentCatalogReader(KafkaProperties kafka, GatewayProperties gateway,
                                          ExperimentsProperties properties, ExperimentCatalog catalog,
                                          GatewayMetrics metrics) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        String clientId = "qa-gateway-catalog-" + gateway.instanceId();
        config.putAll(ClientDefaults.consumer(String.join(",", kafka.getBootstrapServers()), clientId, clientId));
        // assigned partitions read from the beginning by every replica: no group, nothing committed
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        Map<String, Object> consumerConfig = Map.copyOf(config);
        return new CatalogReader(
                () -> new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer()),
                catalog, metrics, properties.pollTimeout(), properties.retryBackoff());
    }

    @Bean
    ExperimentsHealthIndicator experimentsHealthIndicator(CatalogReader reader, ExperimentCatalog catalog) {
        return new ExperimentsHealthIndicator(reader, catalog);
    }
}
