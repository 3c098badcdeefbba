package io.qaflow.controller;

import io.qaflow.controller.kafka.StateFollower;
import io.qaflow.controller.kafka.VerdictListener;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.kafka.BytesOrJsonSerializer;
import io.qaflow.model.kafka.ClientDefaults;
import io.qaflow.model.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka for the controller: the catalog topics (created when missing), an idempotent acks=all producer, the follower
 * of the experiment and prompt topics, and the verdict consumer (consumer group {@code verdictsGroupId}), which starts
 * only once the follower caught up. A verdict that cannot be read or acted on (after 3 retries) goes to the
 * verdict topic's dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
public class ControllerKafkaConfiguration {
    private static final Logger log = LoggerFactory.getLogger(ControllerKafkaConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics controllerTopics(ControllerProperties properties) {
        return new KafkaAdmin.NewTopics(new TopicProvisioner(properties.topics().partitions(),
                properties.topics().replication()).newTopics().toArray(NewTopic[]::new));
    }

    @Bean
    ProducerFactory<String, Object> controllerProducerFactory(KafkaProperties kafka, ControllerProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.putAll(ClientDefaults.producer(bootstrapServers(kafka), "qa-experiment-controller"));
        // send() may block fetching metadata; it must not outlast the wait for the acknowledgement
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.publishTimeout().toMillis());
        return new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new BytesOrJsonSerializer());
    }

    @Bean
    KafkaTemplate<String, Object> controllerKafkaTemplate(ProducerFactory<String, Object> controllerProducerFactory) {
        return new KafkaTemplate<>(controllerProducerFactory);
    }

    @Bean
    StateFollower stateFollower(KafkaProperties kafka, ControllerProperties properties, ExperimentStore store,
                                KafkaTemplate<String, Object> controllerKafkaTemplate,
                                ConcurrentMessageListenerContainer<String, ExperimentVerdict> verdictContainer,
                                PromptRegistry promptRegistry) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.putAll(ClientDefaults.consumer(bootstrapServers(kafka), null, "qa-experiment-controller-state"));
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new StateFollower(() -> new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer()), store, controllerKafkaTemplate, promptRegistry::seed,
                verdictContainer::start, properties.pollTimeout());
    }

    @Bean
    VerdictListener verdictListener(ExperimentService service, LatestVerdicts latestVerdicts) {
        return new VerdictListener(service, latestVerdicts);
    }

    @Bean
    ConcurrentMessageListenerContainer<String, ExperimentVerdict> verdictContainer(
            KafkaProperties kafka, ControllerProperties properties, VerdictListener listener,
            KafkaTemplate<String, Object> controllerKafkaTemplate, ControllerMetrics metrics) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.putAll(ClientDefaults.consumer(bootstrapServers(kafka), properties.verdictsGroupId(),
                properties.verdictsGroupId()));
        DefaultKafkaConsumerFactory<String, ExperimentVerdict> factory = new DefaultKafkaConsumerFactory<>(config,
                new StringDeserializer(), new ErrorHandlingDeserializer<>(Topics.EXPERIMENT_VERDICTS.valueSerde()));
        ContainerProperties containerProperties = new ContainerProperties(Topics.EXPERIMENT_VERDICTS.name());
        containerProperties.setMessageListener(listener);
        ConcurrentMessageListenerContainer<String, ExperimentVerdict> container =
                new ConcurrentMessageListenerContainer<>(factory, containerProperties);
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(controllerKafkaTemplate,
                (record, e) -> new TopicPartition(Topics.EXPERIMENT_VERDICTS.deadLetterName(), -1));
        deadLetters.setFailIfSendResultIsError(false);
        container.setCommonErrorHandler(new DefaultErrorHandler((record, e) -> {
            metrics.verdict("failed");
            log.warn("verdict {}-{}@{} not decided (copied to {}): {}", record.topic(), record.partition(),
                    record.offset(), Topics.EXPERIMENT_VERDICTS.deadLetterName(), rootCause(e).toString());
            deadLetters.accept(record, e);
        }, new FixedBackOff(1_000L, 3L)));
        container.setConcurrency(1);
        // started by the state follower once the experiments are in memory: a verdict is decided on the latest state
        container.setAutoStartup(false);
        return container;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String bootstrapServers(KafkaProperties kafka) {
        return String.join(",", kafka.getBootstrapServers());
    }
}
