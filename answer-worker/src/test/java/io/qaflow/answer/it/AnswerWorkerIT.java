package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.fakellm.FakeAnswerRule;
import io.qaflow.testkit.fakellm.FakeLlmCall;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/** The answer worker on a real broker against the fake OpenAI-compatible server. */
class AnswerWorkerIT {
    private static AnswerWorkerStack stack;

    @BeforeAll
    static void start() {
        stack = AnswerWorkerStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @BeforeEach
    void healthyFake() {
        stack.fake.configure(FakeLlmConfig.defaults());
        stack.fake.failNext(0);
        stack.fake.resetStats();
    }

    @Test
    void answersWithTheLlmsUsageAndItsCost() {
        String id = requestId();
        stack.publisher.publish(context(id, Duration.ofSeconds(30)));

        AnswerCompleted answer = await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(id),
                a -> a != null);

        assertThat(answer.answer()).isEqualTo(ContextPublisher.EXPECTED_FAKE_ANSWER);
        assertThat(answer.eventId()).isEqualTo(EventIds.terminal(id));
        assertThat(answer.degraded()).isFalse();
        assertThat(answer.cached()).isFalse();
        assertThat(answer.model()).isEqualTo("fake-gpt");
        assertThat(answer.usage().estimated()).isFalse();
        assertThat(answer.usage().completionTokens())
                .isEqualTo(FakeAnswerRule.completionTokens(ContextPublisher.EXPECTED_FAKE_ANSWER));
        assertThat(answer.usage().promptTokens()).isGreaterThan(20);
        double expectedCost = (answer.usage().promptTokens() * 2.0 + answer.usage().completionTokens() * 8.0) / 1e6;
        assertThat(answer.costUsd()).isCloseTo(expectedCost, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(answer.sources()).containsExactly(ContextPublisher.GEOGRAPHY);
        assertThat(answer.latencyMs().embed()).isEqualTo(12);
        assertThat(answer.latencyMs().retrieve()).isEqualTo(3);
        assertThat(answer.latencyMs().total()).isGreaterThanOrEqualTo(answer.latencyMs().generate());
        assertThat(answer.userId()).isEqualTo("user-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.outputs.progress.containsKey(id));
        assertThat(stack.outputs.progress.get(id)).extracting(p -> p.status()).containsExactly(RequestStatus.GENERATING);
    }

    @Test
    void skipsExpiredWorkWithAnExpiredFailure() {
        String id = requestId();
        stack.publisher.publish(context(id, ContextPublisher.QUESTION, List.of(ContextPublisher.GEOGRAPHY),
                Instant.now().minusSeconds(1)));

        RequestFailed failed = await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.failure(id),
                f -> f != null);

        assertThat(failed.errorCode()).isEqualTo(FailureCode.EXPIRED);
        assertThat(failed.stage()).isEqualTo(FailureStage.GENERATION);
        assertThat(failed.eventId()).isEqualTo(EventIds.terminal(id));
        assertThat(stack.fake.stats().received()).isZero();
        assertThat(stack.outputs.answer(id)).isNull();
    }

    @Test
    void sendsAPoisonRecordToTheDeadLetterTopicAndKeepsAnsweringThatPartition() {
        String before = requestId();
        String after = requestId();
        stack.publisher.publish(0, context(before, Duration.ofSeconds(30)));
        stack.publisher.publishRaw(0, "poison-key", "{this is not a ContextRetrieved");
        stack.publisher.publish(0, context(after, Duration.ofSeconds(30)));

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(after) != null
                && stack.outputs.answer(before) != null && !stack.outputs.deadLetters.isEmpty());

        ConsumerRecord<byte[], byte[]> dead = stack.outputs.deadLetters.stream()
                .filter(r -> "poison-key".equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
        assertThat(dead.topic()).isEqualTo(Topics.CONTEXTS.deadLetterName());
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{this is not a ContextRetrieved");
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_FQCN))
                .isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("ContextRetrieved");
        assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(Topics.CONTEXTS.name());
        assertThat(ByteBuffer.wrap(dead.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value()).getInt())
                .isZero();
    }

    @Test
    void retriesA429AfterItsRetryAfterDelay() {
        stack.fake.configure(FakeLlmConfig.defaults().withErrorStatus(429).withRetryAfter(Duration.ofSeconds(1)));
        stack.fake.failNext(1);
        String id = requestId();

        stack.publisher.publish(context(id, Duration.ofSeconds(30)));
        AnswerCompleted answer = await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(id),
                a -> a != null);

        assertThat(answer.degraded()).isFalse();
        List<FakeLlmCall> calls = stack.fake.calls();
        assertThat(calls).extracting(FakeLlmCall::status).containsExactly(429, 200);
        // the configured backoff is 20 ms: only Retry-After explains a one-second gap
        assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aHungLlmEndsInADegradedAnswerBeforeTheDeadline() {
        stack.fake.configure(FakeLlmConfig.defaults().withHang(true));
        String id = requestId();
        Instant deadline = Instant.now().plusSeconds(3);

        stack.publisher.publish(context(id, ContextPublisher.QUESTION, List.of(ContextPublisher.GEOGRAPHY), deadline));
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.outputs.terminalCount(id) > 0);

        AnswerCompleted answer = stack.outputs.answer(id);
        assertThat(answer).as("a degraded answer, not a failure").isNotNull();
        assertThat(answer.degraded()).isTrue();
        assertThat(answer.model()).isEqualTo("extractive");
        assertThat(answer.answer()).contains("Berlin");
        assertThat(answer.occurredAt()).isBefore(deadline);
        assertThat(answer.costUsd()).isZero();
        assertThat(answer.usage().estimated()).isTrue();
        assertThat(stack.fake.stats().hung()).isEqualTo(1);
    }

    @Test
    void anLlmThatStallsTheResponseBodyEndsInADegradedAnswerBeforeTheDeadline() {
        stack.fake.configure(FakeLlmConfig.defaults().withStallBody(true));
        String id = requestId();
        Instant deadline = Instant.now().plusSeconds(3);

        stack.publisher.publish(context(id, ContextPublisher.QUESTION, List.of(ContextPublisher.GEOGRAPHY), deadline));
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.outputs.terminalCount(id) > 0);

        AnswerCompleted answer = stack.outputs.answer(id);
        assertThat(answer).as("a degraded answer, not a failure nor a hang").isNotNull();
        assertThat(answer.degraded()).isTrue();
        assertThat(answer.model()).isEqualTo("extractive");
        assertThat(answer.occurredAt()).isBefore(deadline);
        assertThat(stack.fake.stats().hung()).as("headers were sent, the body stalled").isGreaterThanOrEqualTo(1);
    }

    @Test
    void keepsManyLlmCallsInFlightOnASinglePartition() {
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofSeconds(1)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(requestId());
        }

        long start = System.nanoTime();
        for (String id : ids) {
            stack.publisher.publish(0, context(id, Duration.ofSeconds(60)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> stack.outputs.answer(id) != null));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf(Locale.ROOT, "200 records on one partition, LLM latency 1 s: answered in %.1f s, "
                + "at most %d LLM calls in flight%n", took.toMillis() / 1000.0, stack.fake.stats().maxInFlight());
        assertThat(stack.fake.stats().maxInFlight()).isGreaterThanOrEqualTo(64);
        assertThat(ids).allSatisfy(id -> assertThat(stack.outputs.answer(id).degraded()).isFalse());
        // one at a time would take 200 s
        assertThat(took).isLessThan(Duration.ofSeconds(30));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static String requestId() {
        return UUID.randomUUID().toString();
    }
}
