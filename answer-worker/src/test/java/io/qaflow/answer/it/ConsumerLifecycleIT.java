package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.qaflow.answer.resilience.LlmResilience;
import io.qaflow.answer.worker.ContextConsumerRunner;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offsets are committed only for finished work: a crash redoes the unfinished, a clean stop redoes nothing. */
class ConsumerLifecycleIT {
    private static AnswerWorkerStack stack;
    private ContextConsumerRunner runner;

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
        runner = stack.bean(ContextConsumerRunner.class);
        stack.fake.configure(FakeLlmConfig.defaults());
        stack.fake.resetStats();
    }

    @Test
    void aCrashCommitsNothingUnfinishedAndARestartAnswersEveryRequest() {
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(1500)));
        List<String> ids = publish(40);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fake.stats().inFlight() >= 20);

        runner.crash();

        assertThat(runner.state()).isEqualTo(ContextConsumerRunner.State.STOPPED);
        assertThat(runner.inFlight()).isZero();
        stack.fake.configure(FakeLlmConfig.defaults());
        runner.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> stack.outputs.answer(id) != null));

        assertThat(stack.fake.stats().received()).as("unfinished records were redelivered")
                .isGreaterThanOrEqualTo(ids.size() + 20);
        assertThat(stack.bean(LlmResilience.class).circuitBreaker().getState())
                .as("abandoned calls are not LLM failures").isEqualTo(CircuitBreaker.State.CLOSED);
        for (String id : ids) {
            assertThat(stack.outputs.answer(id).degraded()).isFalse();
            assertThat(stack.outputs.answers.get(id)).extracting(AnswerCompleted::eventId)
                    .as("duplicates of a redelivered answer carry the same event id")
                    .containsOnly(EventIds.terminal(id));
        }
    }

    @Test
    void aCleanStopFinishesInFlightWorkAndARestartRedoesNothing() {
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(1000)));
        List<String> ids = publish(30);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fake.stats().inFlight() >= 10);

        runner.stop();

        assertThat(ids).allSatisfy(id -> assertThat(stack.outputs.terminalCount(id)).isLessThanOrEqualTo(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> stack.outputs.answer(id) != null));
        long callsBeforeRestart = stack.fake.stats().received();
        runner.start();
        String later = publish(1).getFirst();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(later) != null);

        assertThat(stack.fake.stats().received()).isEqualTo(callsBeforeRestart + 1);
        assertThat(ids).allSatisfy(id -> assertThat(stack.outputs.terminalCount(id)).isEqualTo(1));
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
