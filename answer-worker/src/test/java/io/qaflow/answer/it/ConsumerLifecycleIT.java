package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.qaflow.answer.AnswerWorkerProperties;
import io.qaflow.answer.resilience.LlmResilience;
import io.qaflow.kafka.ConcurrentRecordConsumer;
import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Offsets are committed only for finished work: a crash redoes the unfinished, a clean stop or a rebalance redoes
 * nothing (when in-flight work finishes within the shutdown timeout).
 */
class ConsumerLifecycleIT {
    private static AnswerWorkerStack stack;
    private ConcurrentRecordConsumer runner;

    @BeforeAll
    static void start() {
        stack = AnswerWorkerStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @BeforeEach
    void reset() {
        runner = stack.bean(ConcurrentRecordConsumer.class);
        stack.fake.configure(FakeLlmConfig.defaults());
        stack.fake.resetStats();
    }

    @Test
    void aCrashCommitsNothingUnfinishedAndARestartAnswersEveryRequest() {
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(1500)));
        List<String> ids = publish(40);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fake.stats().inFlight() >= 20);

        runner.crash();

        assertThat(runner.state()).isEqualTo(ConcurrentRecordConsumer.State.STOPPED);
        assertThat(runner.inFlight()).isZero();
        stack.fake.configure(FakeLlmConfig.defaults());
        runner.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> stack.outputs.answer(id) != null));

        assertThat(stack.fake.stats().received()).as("unfinished records were redelivered")
                .isGreaterThanOrEqualTo(ids.size() + 20);
        assertThat(stack.bean(LlmResilience.class).circuitBreaker().getState())
                .as("abandoned calls are not LLM failures").isEqualTo(CircuitBreaker.State.CLOSED);
        for (String id : ids) {
            // at least once: a record in flight at the crash may be answered twice, as two terminal RECORDS
            List<AnswerCompleted> answers = stack.outputs.answers.get(id);
            assertThat(answers).as("terminal records for %s", id).hasSizeBetween(1, 2);
            assertThat(stack.outputs.failures.get(id)).as("no failure for %s", id).isNull();
            assertThat(answers).allSatisfy(answer -> assertThat(answer.degraded()).isFalse());
            assertThat(answers).extracting(AnswerCompleted::eventId)
                    .as("every record, duplicates included, carries the request's terminal event id")
                    .containsOnly(EventIds.terminal(id));
        }
    }

    @Test
    void aCleanStopFinishesInFlightWorkAndARestartRedoesNothing() {
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(1000)));
        List<String> ids = publish(30);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fake.stats().inFlight() >= 10);

        runner.stop();

        // terminalCount counts terminal RECORDS (answers + failures) per request, not distinct event ids
        assertThat(ids).allSatisfy(id -> assertThat(stack.outputs.terminalCount(id)).isLessThanOrEqualTo(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> stack.outputs.answer(id) != null));
        long callsBeforeRestart = stack.fake.stats().received();
        runner.start();
        String later = publish(1).getFirst();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(later) != null);

        assertThat(stack.fake.stats().received()).isEqualTo(callsBeforeRestart + 1);
        assertThat(ids).as("exactly one terminal record per request: a clean stop redoes nothing")
                .allSatisfy(id -> assertThat(stack.outputs.terminalCount(id)).isEqualTo(1));
    }

    @Test
    void aRebalanceLetsInFlightRecordsOfRevokedPartitionsFinishBeforeHandingThemOver() {
        // longer than a rebalance takes to reach the worker (a heartbeat, 3 s), shorter than its shutdown-timeout
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofSeconds(6)));
        List<String> ids = publish(30);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fake.stats().inFlight() >= 20);

        List<ConsumerRecord<byte[], byte[]>> handedOver = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> newcomer = newcomer()) {
            newcomer.subscribe(List.of(Topics.CONTEXTS.name()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                newcomer.poll(Duration.ofMillis(100)).forEach(handedOver::add);
                return !newcomer.assignment().isEmpty();
            });
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                newcomer.poll(Duration.ofMillis(100)).forEach(handedOver::add);
                assertThat(handedOver)
                        .as("the revoked partitions' in-flight records were finished and committed first").isEmpty();
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> stack.outputs.answer(id) != null));
        assertThat(ids).as("exactly one terminal record per request: nothing was redone")
                .allSatisfy(id -> assertThat(stack.outputs.terminalCount(id)).isEqualTo(1));
    }

    /** A second member of the worker's group, with the worker's assignor, that only watches what it is given. */
    private static KafkaConsumer<byte[], byte[]> newcomer() {
        Map<String, Object> props = KafkaClients.consumerConfigFor(stack.broker.bootstrapServers(),
                stack.bean(AnswerWorkerProperties.class).consumer().groupId(), "test-newcomer");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static List<String> publish(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            stack.publisher.publish(context(id, Duration.ofSeconds(60)));
        }
        return ids;
    }
}
