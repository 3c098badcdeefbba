package io.qaflow.controller;

import io.qaflow.controller.kafka.StateFollower;
import io.qaflow.controller.kafka.VerdictListener;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.kafka.ListenerContainers;
import io.qaflow.kafka.ListenerSpec;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.kafka.Topics;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka for the controller (the producer, topics and dead-letter path are kafka-support's): the follower of the
 * experiment and prompt topics, and the verdict consumer (consumer group {@code verdictsGroupId}), which starts only
 * once the follower caught up. A verdict that cannot be read or acted on (after 3 retries) goes to the verdict topic's
 * dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
public class ControllerKafkaConfiguration {

    @Bean
    StateFollower stateFollower(CompactedTopicFollowers followers, ControllerProperties properties,
                                ExperimentStore store, DeadLetters deadLetters,
                                ConcurrentMessageListenerContainer<String, ExperimentVerdict> verdictContainer,
                                PromptRegistry promptRegistry) {
        return new StateFollower(followers, store, deadLetters, promptRegistry::seed, verdictContainer::start,
                properties.pollTimeout());
    }

    @Bean
    VerdictListener verdictListener(ExperimentService service, LatestVerdicts latestVerdicts) {
        return new VerdictListener(service, latestVerdicts);
    }

    @Bean
    ConcurrentMessageListenerContainer<String, ExperimentVerdict> verdictContainer(
            ListenerContainers containers, ControllerProperties properties, VerdictListener listener,
            DeadLetters deadLetters, ControllerMetrics metrics) {
        ListenerSpec spec = ListenerSpec.group(properties.verdictsGroupId(), "verdicts")
                .retrying(new FixedBackOff(1_000L, 3L))
                .recoveredBy((record, e) -> {
                    metrics.verdict("failed");
                    deadLetters.deadLetter(record, e);
                })
                // started by the state follower once the experiments are in memory: a verdict is decided on the
                // latest state
                .startedByOwner();
        return containers.records(spec, List.of(Topics.EXPERIMENT_VERDICTS), listener);
    }
}
