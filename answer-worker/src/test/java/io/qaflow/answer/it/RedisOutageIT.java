package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.QUESTION;
import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis is optional at run time: with it gone the worker keeps answering (from its memory cache where it can), says
 * so in its health, and when it returns the worker caches in Redis again and republishes its auto model, without a
 * restart. A worker also starts while Redis is down.
 */
class RedisOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void keepsAnsweringWithoutRedisAndResumesCachingWhenItIsBack() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.startTemporary();
             AnswerWorkerStack stack = AnswerWorkerStack.startWithRedis(redis.url());
             RedisInspector inspector = new RedisInspector(redis.url())) {
            RedisAvailability availability = stack.bean(RedisAvailability.class);
            MeterRegistry registry = stack.bean(MeterRegistry.class);
            await().atMost(WAIT).until(inspector::autoModel, "fake-gpt"::equals);

            redis.stop();
            String corpus = "corpus-" + UUID.randomUUID();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                stack.publisher.publish(context(id, QUESTION + " (" + i + ")", corpus, "key-1", null,
                        Instant.now().plusSeconds(30)));
            }
            for (String id : ids) {
                AnswerCompleted answer = await().atMost(WAIT).until(() -> stack.outputs.answer(id), a -> a != null);
                assertThat(answer.cached()).isFalse();
                assertThat(answer.degraded()).isFalse();
            }
            assertThat(availability.isAvailable()).isFalse();
            await().atMost(WAIT).until(() -> writes(registry, "memory_only") == 5);
            assertThat(writes(registry, "redis")).isZero();
            assertThat(get(stack, "/actuator/health/readiness").statusCode()).as("readiness").isEqualTo(200);
            HttpResponse<String> health = get(stack, "/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode status = JsonMapper.builder().build().readTree(health.body());
            assertThat(status.path("components").path("redis").path("status").asString()).isEqualTo("DEGRADED");
            assertThat(status.path("status").asString()).as("degraded, still serving (200)").isEqualTo("DEGRADED");
            // the replica's memory still serves what it answered
            String repeat = UUID.randomUUID().toString();
            stack.publisher.publish(context(repeat, QUESTION + " (0)", corpus, "key-1", null,
                    Instant.now().plusSeconds(30)));
            assertThat(await().atMost(WAIT).until(() -> stack.outputs.answer(repeat), a -> a != null).cached())
                    .isTrue();
            ids.add(repeat);
            assertThat(ids).allSatisfy(id -> assertThat(stack.outputs.terminalCount(id)).isEqualTo(1));

            redis.start();
            await().atMost(WAIT).until(availability::isAvailable);
            // the restarted Redis is empty: the auto model is published again
            await().atMost(WAIT).until(inspector::autoModel, "fake-gpt"::equals);
            String after = UUID.randomUUID().toString();
            stack.publisher.publish(context(after, QUESTION, corpus, "key-1", null, Instant.now().plusSeconds(30)));
            AnswerCompleted answer = await().atMost(WAIT).until(() -> stack.outputs.answer(after), a -> a != null);
            assertThat(answer.cached()).isFalse();
            AnswerCacheKey key = AnswerCacheKey.of(QUESTION, corpus, Variant.defaults(5), "fake-gpt");
            CachedAnswer stored = await().atMost(WAIT).until(() -> inspector.answer(key).orElse(null),
                    a -> a != null);
            assertThat(stored.sourceRequestId()).isEqualTo(after);
            assertThat(writes(registry, "redis")).isEqualTo(1);
        }
    }

    @Test
    void startsWhileRedisIsDownAndPublishesItsAutoModelWhenRedisArrives() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.startTemporary()) {
            redis.stop();
            // no LLM: the extractive answerer answers "auto" variants, under its own model name
            try (AnswerWorkerStack stack = AnswerWorkerStack.startWithRedis(redis.url(), "qaflow.answer.llm.base-url=");
                 RedisInspector inspector = new RedisInspector(redis.url())) {
                String corpus = "corpus-" + UUID.randomUUID();
                String during = UUID.randomUUID().toString();
                stack.publisher.publish(context(during, QUESTION, corpus, null, null, Instant.now().plusSeconds(30)));
                AnswerCompleted answer = await().atMost(WAIT).until(() -> stack.outputs.answer(during),
                        a -> a != null);
                assertThat(answer.model()).isEqualTo("extractive");

                redis.start();
                await().atMost(WAIT).until(inspector::autoModel, "extractive"::equals);
                String after = UUID.randomUUID().toString();
                String question = "Which city is the capital of Spain?";
                stack.publisher.publish(context(after, question, corpus, null, null, Instant.now().plusSeconds(30)));
                await().atMost(WAIT).until(() -> stack.outputs.answer(after), a -> a != null);
                AnswerCacheKey key = AnswerCacheKey.of(question, corpus, Variant.defaults(5), "extractive");
                CachedAnswer stored = await().atMost(WAIT).until(() -> inspector.answer(key).orElse(null),
                        a -> a != null);
                assertThat(stored.answer()).contains("Madrid");
                assertThat(stored.model()).isEqualTo("extractive");
            }
        }
    }

    private static double writes(MeterRegistry registry, String result) {
        Counter counter = registry.find("qa.cache.writes").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static HttpResponse<String> get(AnswerWorkerStack stack, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.httpPort() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
