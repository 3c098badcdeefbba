package io.qaflow.gateway;

import io.qaflow.gateway.cache.ObservedAnswers;
import io.qaflow.gateway.kafka.ResultsAssignment;
import io.qaflow.gateway.kafka.ResultsConsumerHealthIndicator;
import io.qaflow.gateway.kafka.ResultsListener;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.kafka.ListenerContainers;
import io.qaflow.kafka.ListenerSpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Kafka for the gateway (the producer, topics and dead-letter path are kafka-support's): the consumer of answers,
 * failures and progress in a consumer group of this instance alone, starting at the latest offsets, ready once it
 * holds every result topic's partitions. Unreadable records go to the topic's dead-letter topic; they never block a
 * partition.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayKafkaConfiguration {

    @Bean
    ResultsAssignment resultsAssignment() {
        return new ResultsAssignment(ResultsListener.TOPICS);
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
    ConcurrentMessageListenerContainer<String, Object> gatewayResultsContainer(
            ListenerContainers containers, ResultsListener listener, ResultsAssignment assignment,
            GatewayProperties properties) {
        // a new instance cares only about requests it accepts from now on
        ListenerSpec spec = ListenerSpec.group(properties.resultsGroupId(), "results")
                .startingAtLatest()
                .onRebalance(assignment);
        return containers.records(spec, ResultsListener.TOPICS, listener);
    }
}
