package io.qaflow.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.kafka.ConsumerLag;
import io.qaflow.kafka.KafkaClients;
import io.qaflow.kafka.KafkaSupportProperties;
import java.net.http.HttpClient;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AggregatorConfiguration {

    @Bean
    AggregatorStreams aggregatorStreams(KafkaClients clients, KafkaSupportProperties kafka,
                                        MetricsAggregatorProperties properties, MeterRegistry meters,
                                        ConsumerLag lag, ObjectProvider<ObservationRegistry> observations) {
        return new AggregatorStreams(clients, kafka.topics(), properties, meters, lag,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
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
