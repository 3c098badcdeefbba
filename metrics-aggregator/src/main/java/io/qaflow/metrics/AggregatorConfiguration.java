package io.qaflow.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.kafka.TopicProvisioner;
import org.apache.kafka.clients.admin.NewTopic;
import java.net.http.HttpClient;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class AggregatorConfiguration {

    @Bean
    KafkaAdmin.NewTopics metricsAggregatorTopics(MetricsAggregatorProperties properties) {
        return new KafkaAdmin.NewTopics(new TopicProvisioner(properties.topics().partitions(),
                properties.topics().replication()).newTopics().toArray(NewTopic[]::new));
    }

    @Bean
    AggregatorStreams aggregatorStreams(KafkaProperties kafka, MetricsAggregatorProperties properties,
                                        MeterRegistry meters) {
        return new AggregatorStreams(String.join(",", kafka.getBootstrapServers()), properties, meters);
    }

    @Bean
    ExperimentStatsQuery experimentStatsQuery(AggregatorStreams streams, MetricsAggregatorProperties properties) {
        return new ExperimentStatsQuery(streams, properties.windows().size(), properties.query().recentWindows());
    }

    @Bean
    RoutedQueries routedQueries(AggregatorStreams streams, ExperimentStatsQuery local) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        return new RoutedQueries(streams, local, http, Duration.ofSeconds(5));
    }

    /** Ready while the Streams client runs or rebalances; down once it has stopped or failed. */
    @Bean
    HealthIndicator aggregatorStreamsHealthIndicator(AggregatorStreams streams) {
        return () -> {
            KafkaStreams.State state = streams.state();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                    || state == KafkaStreams.State.CREATED;
            return (up ? Health.up() : Health.down()).withDetail("state", state.name()).build();
        };
    }
}
