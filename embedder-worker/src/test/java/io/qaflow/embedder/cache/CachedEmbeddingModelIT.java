package io.qaflow.embedder.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.embedder.CountingEmbeddingModel;
import io.qaflow.embedder.embedding.MiniLmOnnxEmbeddingModel;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/** The embedding cache on a real Redis in front of the real bundled model. */
class CachedEmbeddingModelIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static MiniLmOnnxEmbeddingModel miniLm;
    private static EmbeddedRedis server;
    private RedissonClient redisson;
    private RedisAvailability redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CountingEmbeddingModel model;
    private CachedEmbeddingModel cached;

    @BeforeAll
    static void startModelAndRedis() {
        miniLm = MiniLmOnnxEmbeddingModel.load(new MiniLmOnnxEmbeddingModel.Settings(32, 512, 0));
        server = EmbeddedRedis.startTemporary();
    }

    @AfterAll
    static void stopModelAndRedis() {
        if (server != null) {
            server.close();
        }
        if (miniLm != null) {
            miniLm.close();
        }
    }

    @BeforeEach
    void connect() {
        server.start();
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(server.url()).setConnectTimeout(500).setTimeout(500)
                .setRetryAttempts(1).setRetryInterval(100);
        redisson = Redisson.create(config);
        redis = new RedisAvailability(redisson.reactive(), Duration.ofMillis(500), Duration.ofMillis(200), registry);
        redis.start();
        redisson.getKeys().flushall();
        model = new CountingEmbeddingModel(miniLm);
        cached = new CachedEmbeddingModel(model, redis, Duration.ofHours(1), registry);
    }

    @AfterEach
    void disconnect() {
        redis.stop();
        redisson.shutdown();
    }

    @Test
    void aSecondEmbeddingOfTheSameTextIsAHitWithTheSameBitsAndNoModelCall() {
        List<String> first = List.of("Who won Super Bowl 50?", "Where was Super Bowl 50 played?");
        float[][] direct = miniLm.embed(first);

        float[][] fresh = cached.embed(first);
        assertThat(model.calls()).containsExactly(first);
        assertThat(count("miss")).isEqualTo(2);
        awaitStored(first);

        float[][] again = cached.embed(List.of(first.get(1), "Who was the MVP?", first.get(0)));

        assertThat(model.calls()).containsExactly(first, List.of("Who was the MVP?"));
        assertThat(count("hit")).isEqualTo(2);
        assertThat(count("miss")).isEqualTo(3);
        assertThat(again[0]).isEqualTo(fresh[1]).isEqualTo(direct[1]);
        assertThat(again[2]).isEqualTo(fresh[0]).isEqualTo(direct[0]);
        assertThat(again[1]).isEqualTo(miniLm.embed(List.of("Who was the MVP?"))[0]);
        byte[] stored = (byte[]) redisson.getBucket(RedisKeys.embedding(miniLm.modelId(), first.get(0)),
                ByteArrayCodec.INSTANCE).get();
        assertThat(stored).hasSize(384 * Float.BYTES).isEqualTo(VectorBytes.encode(direct[0]));
        assertThat(redisson.getBucket(RedisKeys.embedding(miniLm.modelId(), first.get(0))).remainTimeToLive())
                .isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
    }

    @Test
    void aTextRepeatedWithinABatchIsEmbeddedOnce() {
        float[][] vectors = cached.embed(List.of("Who won?", "Who lost?", "Who won?"));

        assertThat(model.calls()).containsExactly(List.of("Who won?", "Who lost?"));
        assertThat(vectors[2]).isEqualTo(vectors[0]);
    }

    @Test
    void withoutRedisEverythingIsEmbeddedAndCachingResumesWhenItIsBack() {
        List<String> texts = List.of("How many fumbles did Von Miller force?");
        cached.embed(texts);
        awaitStored(texts);

        server.stop();
        float[][] withoutRedis = cached.embed(texts);
        float[][] stillWithout = cached.embed(texts);

        assertThat(model.calls()).containsExactly(texts, texts, texts);
        assertThat(withoutRedis[0]).isEqualTo(stillWithout[0]).isEqualTo(miniLm.embed(texts)[0]);
        assertThat(count("unavailable")).isEqualTo(2);
        assertThat(redis.isAvailable()).isFalse();

        server.start(); // a temporary server comes back empty
        await().atMost(WAIT).until(redis::isAvailable);
        cached.embed(texts);
        awaitStored(texts);
        int callsBefore = model.calls().size();
        double hitsBefore = count("hit");

        cached.embed(texts);

        assertThat(model.calls()).hasSize(callsBefore);
        assertThat(count("hit")).isEqualTo(hitsBefore + 1);
    }

    private void awaitStored(List<String> texts) {
        await().atMost(WAIT).until(() -> texts.stream().allMatch(t -> redisson.getBucket(
                RedisKeys.embedding(miniLm.modelId(), t), ByteArrayCodec.INSTANCE).isExists()));
    }

    private double count(String result) {
        var counter = registry.find("qa.cache.requests").tag("tier", "embedding").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}
