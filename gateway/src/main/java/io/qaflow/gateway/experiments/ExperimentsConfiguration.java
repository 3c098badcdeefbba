package io.qaflow.gateway.experiments;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.kafka.CompactedTopicFollowers;
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
    CatalogReader experimentCatalogReader(CompactedTopicFollowers followers, ExperimentsProperties properties,
                                          ExperimentCatalog catalog, GatewayMetrics metrics) {
        return new CatalogReader(followers, catalog, metrics, properties.pollTimeout(), properties.retryBackoff());
    }

    @Bean
    ExperimentsHealthIndicator experimentsHealthIndicator(CatalogReader reader, ExperimentCatalog catalog) {
        return new ExperimentsHealthIndicator(reader, catalog);
    }
}
