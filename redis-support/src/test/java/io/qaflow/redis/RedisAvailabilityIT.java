package io.qaflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The availability gate, the answer cache and the pipeline versions against a real redis-server that goes away. */
class RedisAvailabilityIT {
    private EmbeddedRedis redis;
    private RedissonClient redisson;
    private SimpleMeterRegistry registry;
    private RedisAvailability availability;

    @BeforeEach
    void start() {
        redis = EmbeddedRedis.startTemporary();
        RedisProperties properties = new RedisProperties(true, redis.url(), Duration.ofMillis(300),
                Duration.ofMillis(300), Duration.ofMillis(100));
        redisson = new RedisConfiguration().qaflowRedisson(properties);
        registry = new SimpleMeterRegistry();
        availability = new RedisAvailability(redisson.reactive(), properties.commandTimeout(),
                properties.probeInterval(), registry);
        availability.start();
    }

    @AfterEach
    void stop() {
        availability.stop();
        redisson.shutdown();
        redis.close();
    }

    private static CachedAnswer answer(String text) {
        return new CachedAnswer("Who won?", text, List.of(new SourceChunk("d", "d#0", "t", 0.5, "x")), "m1",
                new TokenUsage(10, 2, false), 0.001, "c1", "1.0.0", Instant.parse("2026-11-23T10:00:00Z"), "r1");
    }

    @Test
    void answersComeFromRedisThenFromMemoryAndMemoryServesWhileRedisIsAway() {
        CacheProperties settings = new CacheProperties(true, Duration.ofHours(1), Duration.ofMinutes(1), 100,
                Duration.ofHours(1), new CacheProperties.Semantic(true, 0.95, 0.1, 100));
        AnswerCache writer = new AnswerCache(availability, settings, registry);
        AnswerCache reader = new AnswerCache(availability, settings, registry);
        AnswerCacheKey key = AnswerCacheKey.of("Who won?", "c1", Variant.defaults(5), "m1");
        writer.put(key, answer("Denver")).block();

        AnswerCache.Hit first = reader.find(key).block();
        assertThat(first.tier()).isEqualTo(AnswerCache.Tier.REDIS);
        assertThat(first.answer()).isEqualTo(answer("Denver"));
        assertThat(reader.find(key).block().tier()).isEqualTo(AnswerCache.Tier.MEMORY);
        assertThat(redisson.getBucket(RedisKeys.answer(key), StringCodec.INSTANCE).remainTimeToLive())
                .isBetween(3_500_000L, 3_600_000L);

        redis.stop();
        AnswerCacheKey other = AnswerCacheKey.of("Who lost?", "c1", Variant.defaults(5), "m1");
        assertThat(reader.find(other).block()).isNull();
        assertThat(reader.find(key).block().tier()).isEqualTo(AnswerCache.Tier.MEMORY);
        assertThat(registry.counter("qa.cache.requests", "tier", "redis", "result", "unavailable").count())
                .isEqualTo(1);
    }

    @Test
    void aLostRedisDegradesFailsFastAndRecoversByItself() {
        AtomicInteger recoveries = new AtomicInteger();
        availability.onRecovery(recoveries::incrementAndGet);
        assertThat(availability.call("get", () -> redisson.reactive().getBucket("k", StringCodec.INSTANCE).get())
                .block()).isNull();

        redis.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !availability.isAvailable());
        assertThat(availability.state().mode()).isEqualTo(RedisAvailability.Mode.DEGRADED);
        long start = System.nanoTime();
        assertThatThrownBy(() -> availability.call("get", () -> redisson.reactive().getBucket("k").get()).block())
                .isInstanceOf(RedisUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(50));
        assertThat(new RedisHealthIndicator(availability, redis.url()).health().getStatus().getCode())
                .isEqualTo(RedisHealthIndicator.DEGRADED);
        assertThat(registry.get("qa.redis.degraded").gauge().value()).isEqualTo(1);

        redis.start();
        await().atMost(Duration.ofSeconds(10)).until(availability::isAvailable);
        assertThat(recoveries).hasValue(1);
        assertThat(registry.counter("qa.redis.degradations").count()).isEqualTo(1);
        assertThat(new RedisHealthIndicator(availability, redis.url()).health().getStatus().getCode())
                .isEqualTo("UP");
        assertThat(availability.call("set", () -> redisson.reactive().getBucket("k", StringCodec.INSTANCE)
                .set("v").thenReturn(true)).block()).isTrue();
    }

    @Test
    void pipelineVersionsAreSharedAndTheLastOnesStayWhileRedisIsAway() {
        PipelineVersions embedder = new PipelineVersions(availability, Duration.ofMillis(100));
        PipelineVersions gateway = new PipelineVersions(availability, Duration.ofMillis(100));
        embedder.publishCorpusVersion("minilm@abc").block();
        embedder.publishAutoModel("gpt-4o-mini").block();

        assertThat(gateway.refresh().block()).isEqualTo(new PipelineVersions.Snapshot("minilm@abc", "gpt-4o-mini"));
        redis.stop();
        assertThat(gateway.refresh().block()).isEqualTo(new PipelineVersions.Snapshot("minilm@abc", "gpt-4o-mini"));
    }
}
