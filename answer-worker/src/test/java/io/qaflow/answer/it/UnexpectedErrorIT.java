package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.answer.cache.AnswerCaching;
import io.qaflow.answer.cost.PriceTable;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.model.ModelChoice;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.answer.worker.AnswerHandler;
import io.qaflow.answer.worker.ContextRecordProcessor;
import io.qaflow.kafka.ConcurrentRecordConsumer;
import io.qaflow.kafka.KafkaRuntime;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * A record whose processing throws something nobody expected (here an Error from the generator) is dead-lettered
 * with the error in its headers and counts as finished: its partition's offset commits move past it.
 */
class UnexpectedErrorIT {
    private static final String GROUP = "unexpected-error-it";

    @Test
    void anUnexpectedErrorDeadLettersTheRecordAndThePartitionsCommitsMoveOn() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(3).provision(admin);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            AnswerMetrics metrics = new AnswerMetrics(registry);
            try (KafkaRuntime kafka = KafkaRuntime.standalone("unexpected-error-it", broker.bootstrapServers(),
                    registry);
                 ContextPublisher contexts = new ContextPublisher(broker.bootstrapServers());
                 OutputCollector outputs = new OutputCollector(broker.bootstrapServers())) {
                AnswerHandler handler = new AnswerHandler((request, deadline) -> {
                    throw new AssertionError("a bug nobody expected");
                }, new ModelChoice(Optional.of("fake-gpt"), "extractive"), AnswerCaching.OFF, PromptCatalog.builtIn(), new PromptRenderer(), new PriceTable(Map.of(), Set.of()),
                        kafka.publisher(), metrics, Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO,
                        Clock.systemUTC(), ObservationRegistry.NOOP);
                ConcurrentRecordConsumer runner = kafka.consumers().create(Topics.CONTEXTS, GROUP,
                        new ConcurrentRecordConsumer.Settings(8, Duration.ofMillis(100), 500, Duration.ofSeconds(5)),
                        new ContextRecordProcessor(handler, metrics));
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    contexts.publish(0, context(id, Duration.ofSeconds(60)));
                }
                runner.start();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> outputs.deadLetters.size() >= 3);
                    TopicPartition partition0 = new TopicPartition(Topics.CONTEXTS.name(), 0);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP)
                                .partitionsToOffsetAndMetadata().get().get(partition0);
                        assertThat(committed).as("the partition's commits moved past the failed records")
                                .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(3L);
                    });
                } finally {
                    runner.stop();
                }

                assertThat(runner.state()).isEqualTo(ConcurrentRecordConsumer.State.STOPPED);
                assertThat(outputs.deadLetters).hasSize(3).allSatisfy(dead -> {
                    assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo("java.lang.AssertionError");
                    assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("a bug nobody expected");
                    assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(Topics.CONTEXTS.name());
                });
                assertThat(outputs.deadLetters).extracting(dead -> new String(dead.key(), StandardCharsets.UTF_8))
                        .containsExactlyInAnyOrderElementsOf(ids);
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
