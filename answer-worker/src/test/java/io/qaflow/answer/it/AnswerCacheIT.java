package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.EXPECTED_FAKE_ANSWER;
import static io.qaflow.answer.it.ContextPublisher.GEOGRAPHY;
import static io.qaflow.answer.it.ContextPublisher.QUESTION;
import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.FailureCode;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.testkit.EmbeddedRedis;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answer cache on a real Redis: fresh answers are stored under the key the gateway computes, the worker answers
 * from it without the LLM, degraded answers stay out, re-executed semantic hits are compared with the cached answer,
 * and the API key id and corpus version travel into the terminal events. Every test asks under its own corpus
 * version, so the tests' cache entries never meet.
 */
class AnswerCacheIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LLM_MODEL = "fake-gpt";

    private static EmbeddedRedis redis;
    private static AnswerWorkerStack stack;
    private static RedisInspector inspector;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.startTemporary();
        stack = AnswerWorkerStack.startWithRedis(redis.url());
        inspector = new RedisInspector(redis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        inspector.close();
        stack.close();
        redis.close();
    }

    @BeforeEach
    void healthyFake() {
        stack.fake.configure(FakeLlmConfig.defaults());
        stack.fake.failNext(0);
        stack.fake.resetStats();
    }

    @Test
    void storesAFreshAnswerUnderItsKeyAndAnswersTheSameQuestionFromTheCacheWithoutTheLlm() {
        stack.fake.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(300)));
        String corpus = corpus();
        String first = requestId();
        stack.publisher.publish(context(first, QUESTION, corpus, "key-1", null, inThirtySeconds()));
        AnswerCompleted fresh = awaitAnswer(first);

        assertThat(fresh.cached()).isFalse();
        assertThat(fresh.cacheHit()).isNull();
        assertThat(fresh.answer()).isEqualTo(EXPECTED_FAKE_ANSWER);
        AnswerCacheKey key = AnswerCacheKey.of(QUESTION, corpus, Variant.defaults(5), LLM_MODEL);
        CachedAnswer stored = await().atMost(WAIT).until(() -> inspector.answer(key).orElse(null), a -> a != null);
        assertThat(stored.answer()).isEqualTo(EXPECTED_FAKE_ANSWER);
        assertThat(stored.model()).isEqualTo(LLM_MODEL);
        assertThat(stored.usage()).isEqualTo(fresh.usage());
        assertThat(stored.costUsd()).isEqualTo(fresh.costUsd()).isPositive();
        assertThat(stored.sources()).containsExactly(GEOGRAPHY);
        assertThat(stored.corpusVersion()).isEqualTo(corpus);
        assertThat(stored.promptVersion()).isEqualTo(Variant.DEFAULT_PROMPT_VERSION);
        assertThat(stored.sourceRequestId()).isEqualTo(first);
        assertThat(inspector.timeToLive(key)).isPositive().isLessThanOrEqualTo(Duration.ofHours(24));

        String second = requestId();
        // the same question once normalised
        stack.publisher.publish(context(second, "  what is the CAPITAL of germany ", corpus, "key-2", null,
                inThirtySeconds()));
        AnswerCompleted cached = awaitAnswer(second);

        assertThat(cached.cached()).isTrue();
        assertThat(cached.cacheHit()).isEqualTo(AnswerCompleted.CacheHit.EXACT);
        assertThat(cached.degraded()).isFalse();
        assertThat(cached.answer()).isEqualTo(fresh.answer());
        assertThat(cached.model()).isEqualTo(LLM_MODEL);
        assertThat(cached.usage()).as("a hit consumes no tokens").isEqualTo(TokenUsage.NONE);
        assertThat(cached.costUsd()).isZero();
        assertThat(cached.sources()).containsExactly(GEOGRAPHY);
        assertThat(cached.apiKeyId()).isEqualTo("key-2");
        assertThat(cached.corpusVersion()).isEqualTo(corpus);
        // the LLM takes 300 ms here; the cached answer did not wait for it
        assertThat(cached.latencyMs().generate()).isLessThan(300);
        assertThat(stack.fake.stats().received()).as("LLM calls").isEqualTo(1);
    }

    @Test
    void answersFromAnAnswerCachedElsewhereUnderTheKeyTheGatewayComputes() {
        // the gateway keys "auto" variants with the model the workers publish
        String autoModel = await().atMost(WAIT).until(inspector::autoModel, m -> m != null);
        assertThat(autoModel).isEqualTo(LLM_MODEL);
        String corpus = corpus();
        AnswerCacheKey key = AnswerCacheKey.of(QUESTION, corpus, Variant.defaults(5), autoModel);
        TokenUsage usage = new TokenUsage(120, 9, false);
        inspector.put(key, new CachedAnswer(QUESTION, "Berlin, said another replica.", List.of(GEOGRAPHY), autoModel,
                usage, 0.0003, corpus, Variant.DEFAULT_PROMPT_VERSION, Instant.now(), "elsewhere"));
        String id = requestId();

        stack.publisher.publish(context(id, QUESTION, corpus, null, null, inThirtySeconds()));
        AnswerCompleted answer = awaitAnswer(id);

        assertThat(answer.cached()).isTrue();
        assertThat(answer.answer()).isEqualTo("Berlin, said another replica.");
        assertThat(answer.usage()).isEqualTo(TokenUsage.NONE);
        assertThat(answer.costUsd()).isZero();
        assertThat(answer.apiKeyId()).isNull();
        assertThat(stack.fake.stats().received()).as("LLM calls").isZero();
    }

    @Test
    void doesNotCacheAnAnswerGivenWithTheFallbackPrompt() {
        String corpus = corpus();
        String id = requestId();
        Variant unknownPrompt = new Variant(Variant.DEFAULT_EXPERIMENT, Variant.CONTROL, Variant.DEFAULT_PROMPT,
                "9.9.9", Variant.AUTO_MODEL, 5);
        ContextRetrieved base = context(id, QUESTION, corpus, null, null, inThirtySeconds());
        stack.publisher.publish(new ContextRetrieved(base.schemaVersion(), base.eventId(), base.occurredAt(), id,
                QUESTION, base.userId(), unknownPrompt, base.acceptedAt(), base.deadline(), base.chunks(), corpus,
                base.embedMs(), base.retrieveMs(), null, null));
        AnswerCompleted answer = awaitAnswer(id);
        assertThat(answer.cached()).isFalse();

        // the known prompt's answer to another question is stored, so the first one had its chance to be
        String other = requestId();
        stack.publisher.publish(context(other, "What is the capital of France?", corpus, null, null,
                inThirtySeconds()));
        awaitAnswer(other);
        await().atMost(WAIT).until(() -> inspector.answer(AnswerCacheKey.of("What is the capital of France?", corpus,
                Variant.defaults(5), LLM_MODEL)).isPresent());
        assertThat(inspector.answer(AnswerCacheKey.of(QUESTION, corpus, unknownPrompt, LLM_MODEL)))
                .as("an answer made with the fallback prompt is not stored under 9.9.9").isEmpty();
    }

    @Test
    void doesNotCacheADegradedAnswer() {
        // a 400 is not retried: the extractive fallback answers at once, degraded
        stack.fake.configure(FakeLlmConfig.defaults().withErrorStatus(400));
        stack.fake.failNext(1);
        String corpus = corpus();
        String first = requestId();
        stack.publisher.publish(context(first, QUESTION, corpus, "key-3", null, inThirtySeconds()));
        AnswerCompleted degraded = awaitAnswer(first);
        assertThat(degraded.degraded()).isTrue();
        assertThat(degraded.apiKeyId()).isEqualTo("key-3");
        assertThat(degraded.corpusVersion()).isEqualTo(corpus);

        String second = requestId();
        stack.publisher.publish(context(second, QUESTION, corpus, "key-3", null, inThirtySeconds()));
        AnswerCompleted fresh = awaitAnswer(second);

        assertThat(fresh.cached()).as("the degraded answer was not served from the cache").isFalse();
        assertThat(fresh.degraded()).isFalse();
        assertThat(stack.fake.stats().received()).as("LLM calls").isEqualTo(2);
        AnswerCacheKey key = AnswerCacheKey.of(QUESTION, corpus, Variant.defaults(5), LLM_MODEL);
        CachedAnswer stored = await().atMost(WAIT).until(() -> inspector.answer(key).orElse(null), a -> a != null);
        assertThat(stored.sourceRequestId()).as("only the fresh answer is stored").isEqualTo(second);
        assertThat(inspector.answer(AnswerCacheKey.of(QUESTION, corpus, Variant.defaults(5), degraded.model())))
                .as("nothing under the fallback's model").isEmpty();
    }

    @Test
    void comparesReexecutedSemanticHitsWithTheCachedAnswersAndNeverServesThem() {
        String corpus = corpus();
        Variant variant = Variant.defaults(5);
        String agreeing = "what city is the german capital";
        String disagreeing = "which city is the capital of spain";
        String uncached = "where does the german chancellor live";
        cache(AnswerCacheKey.of(agreeing, corpus, variant, LLM_MODEL), "Berlin is Germany's capital.", corpus);
        cache(AnswerCacheKey.of(disagreeing, corpus, variant, LLM_MODEL), "Madrid", corpus);
        // the question's own answer is cached too: a re-executed hit must still ask the LLM
        cache(AnswerCacheKey.of(QUESTION, corpus, variant, LLM_MODEL), "An answer that must not be served.", corpus);
        MeterRegistry registry = stack.bean(MeterRegistry.class);
        double agreeBefore = verifications(registry, "agree");
        double disagreeBefore = verifications(registry, "disagree");
        double missingBefore = verifications(registry, "missing");

        List<String> ids = List.of(requestId(), requestId(), requestId());
        List<String> candidates = List.of(agreeing, disagreeing, uncached);
        for (int i = 0; i < ids.size(); i++) {
            stack.publisher.publish(context(ids.get(i), QUESTION, corpus, null, candidates.get(i), inThirtySeconds()));
        }

        for (String id : ids) {
            AnswerCompleted answer = awaitAnswer(id);
            assertThat(answer.cached()).isFalse();
            assertThat(answer.answer()).isEqualTo(EXPECTED_FAKE_ANSWER);
        }
        assertThat(stack.fake.stats().received()).as("LLM calls").isEqualTo(3);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(verifications(registry, "agree")).isEqualTo(agreeBefore + 1);
            assertThat(verifications(registry, "disagree")).isEqualTo(disagreeBefore + 1);
            assertThat(verifications(registry, "missing")).isEqualTo(missingBefore + 1);
        });
        double agree = verifications(registry, "agree");
        double disagree = verifications(registry, "disagree");
        Gauge agreement = registry.find("qa.cache.semantic.agreement").gauge();
        assertThat(agreement).isNotNull();
        assertThat(agreement.value()).isEqualTo(agree / (agree + disagree));
    }

    @Test
    void carriesTheApiKeyIdIntoAFailure() {
        String id = requestId();
        stack.publisher.publish(context(id, QUESTION, corpus(), "key-9", null, Instant.now().minusSeconds(1)));

        RequestFailed failed = await().atMost(WAIT).until(() -> stack.outputs.failure(id), f -> f != null);

        assertThat(failed.errorCode()).isEqualTo(FailureCode.EXPIRED);
        assertThat(failed.apiKeyId()).isEqualTo("key-9");
    }

    private static void cache(AnswerCacheKey key, String answer, String corpus) {
        inspector.put(key, new CachedAnswer(key.normalizedQuestion(), answer, List.of(GEOGRAPHY), key.model(),
                new TokenUsage(100, 10, false), 0.0002, corpus, key.promptVersion(), Instant.now(), "earlier"));
    }

    private static double verifications(MeterRegistry registry, String result) {
        Counter counter = registry.find("qa.cache.semantic.verifications").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static AnswerCompleted awaitAnswer(String id) {
        return await().atMost(WAIT).until(() -> stack.outputs.answer(id), a -> a != null);
    }

    private static Instant inThirtySeconds() {
        return Instant.now().plusSeconds(30);
    }

    private static String corpus() {
        return "corpus-" + UUID.randomUUID();
    }

    private static String requestId() {
        return UUID.randomUUID().toString();
    }
}
