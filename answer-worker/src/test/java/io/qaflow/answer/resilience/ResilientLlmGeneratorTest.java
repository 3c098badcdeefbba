package io.qaflow.answer.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.answer.AnswerWorkerProperties;
import io.qaflow.testkit.MutableClock;
import io.qaflow.answer.generation.GeneratedAnswer;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.LlmCallException;
import io.qaflow.answer.model.LlmCallException.Kind;
import io.qaflow.model.prompt.RenderedPrompt;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResilientLlmGeneratorTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RESERVE = Duration.ofMillis(300);
    private static final Duration MIN_ATTEMPT = Duration.ofMillis(100);
    private static final Duration OPEN = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScriptedModel llm = new ScriptedModel("gpt");
    private final ScriptedModel fallback = new ScriptedModel("extractive");

    @Test
    void answersThroughTheLlmWhenItWorks() throws Exception {
        GeneratedAnswer answer = generator(3, 128).generate(request(), clock.instant().plusSeconds(60));

        assertThat(answer.degraded()).isFalse();
        assertThat(answer.answer().model()).isEqualTo("gpt");
        assertThat(calls("success", "closed")).isEqualTo(1);
        assertThat(fallback.calls).isEmpty();
    }

    @Test
    void limitsEachAttemptToTheCallTimeoutOrTheTimeLeftBeforeTheReserve() throws Exception {
        ResilientLlmGenerator generator = generator(1, 128);

        generator.generate(request(), clock.instant().plusSeconds(60));
        generator.generate(request(), clock.instant().plusSeconds(5));

        assertThat(llm.calls.get(0).timeLimit()).isEqualTo(CALL_TIMEOUT);
        assertThat(llm.calls.get(1).timeLimit()).isEqualTo(Duration.ofSeconds(5).minus(RESERVE));
    }

    @Test
    void answersDegradedWithoutCallingWhenNoUsefulTimeIsLeft() throws Exception {
        GeneratedAnswer answer = generator(3, 128).generate(request(), clock.instant().plus(RESERVE).plusMillis(50));

        assertThat(answer.degraded()).isTrue();
        assertThat(answer.fallbackReason()).isEqualTo("no_time");
        assertThat(answer.answer().model()).isEqualTo("extractive");
        assertThat(llm.calls).isEmpty();
    }

    @Test
    void opensAfterFiveFailuresInARowThenAnswersDegradedWithoutCalling() throws Exception {
        llm.thenFail(Kind.CLIENT_ERROR, 400);
        ResilientLlmGenerator generator = generator(1, 128);

        for (int i = 0; i < 5; i++) {
            GeneratedAnswer answer = generator.generate(request(), clock.instant().plusSeconds(60));
            assertThat(answer.degraded()).isTrue();
            assertThat(answer.fallbackReason()).isEqualTo("llm_failed");
        }
        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

        GeneratedAnswer whileOpen = generator.generate(request(), clock.instant().plusSeconds(60));

        assertThat(whileOpen.degraded()).isTrue();
        assertThat(whileOpen.fallbackReason()).isEqualTo("circuit_open");
        assertThat(llm.calls).hasSize(5);
        assertThat(calls("failure", "closed")).isEqualTo(5);
        assertThat(calls("rejected", "open")).isEqualTo(1);
    }

    @Test
    void opensWhenHalfOfTheLastTwentyCallsFailedThoughNeverFiveInARow() throws Exception {
        ResilientLlmGenerator generator = generator(1, 128);
        for (int i = 0; i < 20; i++) {
            if (i % 2 == 0) {
                llm.thenSucceed();
            } else {
                llm.thenFail(Kind.SERVER_ERROR, 500);
            }
        }

        for (int i = 0; i < 19; i++) {
            generator.generate(request(), clock.instant().plusSeconds(60));
        }
        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        generator.generate(request(), clock.instant().plusSeconds(60));

        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void staysOpenForTheOpenDurationThenClosesAfterSuccessfulProbes() throws Exception {
        llm.thenFail(Kind.SERVER_ERROR, 503).thenFail(Kind.SERVER_ERROR, 503).thenFail(Kind.SERVER_ERROR, 503)
                .thenFail(Kind.SERVER_ERROR, 503).thenFail(Kind.SERVER_ERROR, 503).thenSucceed();
        ResilientLlmGenerator generator = generator(1, 128);
        for (int i = 0; i < 5; i++) {
            generator.generate(request(), clock.instant().plusSeconds(60));
        }
        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

        clock.advance(OPEN.minusSeconds(1));
        assertThat(generator.generate(request(), clock.instant().plusSeconds(60)).fallbackReason())
                .isEqualTo("circuit_open");

        clock.advance(Duration.ofSeconds(2));
        GeneratedAnswer probe = generator.generate(request(), clock.instant().plusSeconds(60));
        assertThat(probe.degraded()).isFalse();
        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        generator.generate(request(), clock.instant().plusSeconds(60));
        generator.generate(request(), clock.instant().plusSeconds(60));

        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(calls("success", "half_open")).isEqualTo(3);
    }

    @Test
    void retriesServerErrorsAndTimeoutsWithBackoff() throws Exception {
        llm.thenFail(Kind.SERVER_ERROR, 503).thenFail(Kind.TIMEOUT, 0).thenSucceed();

        GeneratedAnswer answer = generator(3, 128).generate(request(), clock.instant().plusSeconds(60));

        assertThat(answer.degraded()).isFalse();
        assertThat(llm.calls).hasSize(3);
        assertThat(calls("timeout", "closed")).isEqualTo(1);
        assertThat(calls("failure", "closed")).isEqualTo(1);
    }

    @Test
    void givesUpAfterThreeAttemptsAndAnswersDegraded() throws Exception {
        llm.thenFail(Kind.RATE_LIMITED, 429);

        GeneratedAnswer answer = generator(3, 128).generate(request(), clock.instant().plusSeconds(60));

        assertThat(answer.degraded()).isTrue();
        assertThat(answer.fallbackReason()).isEqualTo("llm_failed");
        assertThat(llm.calls).hasSize(3);
    }

    @Test
    void doesNotRetryClientErrors() throws Exception {
        llm.thenFail(Kind.CLIENT_ERROR, 400);

        assertThat(generator(3, 128).generate(request(), clock.instant().plusSeconds(60)).degraded()).isTrue();
        assertThat(llm.calls).hasSize(1);
    }

    @Test
    void waitsTheRetryAfterDelayBeforeRetrying() throws Exception {
        llm.then(r -> {
            throw new LlmCallException(Kind.RATE_LIMITED, 429, Duration.ofMillis(400), "slow down", null);
        }).thenSucceed();

        GeneratedAnswer answer = generator(3, 128).generate(request(), clock.instant().plusSeconds(60));

        assertThat(answer.degraded()).isFalse();
        long gap = llm.calls.get(1).nanoTime() - llm.calls.get(0).nanoTime();
        assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void doesNotRetryWhenRetryAfterReachesPastTheDeadline() throws Exception {
        llm.then(r -> {
            throw new LlmCallException(Kind.RATE_LIMITED, 429, Duration.ofSeconds(30), "come back later", null);
        }).thenSucceed();

        GeneratedAnswer answer = generator(3, 128).generate(request(), clock.instant().plusSeconds(10));

        assertThat(answer.degraded()).isTrue();
        assertThat(llm.calls).hasSize(1);
    }

    @Test
    void rejectsCallsBeyondTheBulkheadAndAnswersThemDegraded() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        llm.then(r -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return llm.succeed(r);
        }).thenSucceed();
        ResilientLlmGenerator generator = generator(1, 1);

        CompletableFuture<GeneratedAnswer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return generator.generate(request(), clock.instant().plusSeconds(60));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        GeneratedAnswer second = generator.generate(request(), clock.instant().plusSeconds(60));
        release.countDown();

        assertThat(second.degraded()).isTrue();
        assertThat(second.fallbackReason()).isEqualTo("bulkhead_full");
        assertThat(first.get(10, TimeUnit.SECONDS).degraded()).isFalse();
        assertThat(calls("rejected", "closed")).isEqualTo(1);
    }

    @Test
    void anAbandonedCallIsNeitherAFailureNorAnsweredByTheFallback() throws Exception {
        llm.thenFail(Kind.CANCELLED, 0);
        ResilientLlmGenerator generator = generator(3, 128);

        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> generator.generate(request(), clock.instant().plusSeconds(60)))
                    .isInstanceOf(InterruptedException.class);
        }

        assertThat(generator.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(llm.calls).hasSize(6);
        assertThat(fallback.calls).isEmpty();
        assertThat(registry.find("qa.llm.calls").counters()).isEmpty();
    }

    private ResilientLlmGenerator generator(int maxAttempts, int bulkhead) {
        AnswerWorkerProperties.Resilience settings = new AnswerWorkerProperties.Resilience(
                new AnswerWorkerProperties.CircuitBreaker(5, 50, 20, OPEN, 3),
                new AnswerWorkerProperties.Retry(maxAttempts, Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.5),
                new AnswerWorkerProperties.Bulkhead(bulkhead, Duration.ZERO));
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.5,
                new java.util.SplittableRandom(1));
        return new ResilientLlmGenerator(llm, fallback, LlmResilience.create(settings, MIN_ATTEMPT, backoff, clock),
                CALL_TIMEOUT, RESERVE, MIN_ATTEMPT, new AnswerMetrics(registry), clock);
    }

    private double calls(String outcome, String circuit) {
        var counter = registry.find("qa.llm.calls").tag("outcome", outcome).tag("circuit", circuit).counter();
        return counter == null ? 0 : counter.count();
    }

    private static AnswerRequest request() {
        return new AnswerRequest("Who?", List.of(new SourceChunk("d", "d#0", "t", 0.5, "Someone did it.")),
                new RenderedPrompt("qa-answer", "1.0.0", "system", "user"), Variant.AUTO_MODEL,
                Duration.ofSeconds(30));
    }

}
