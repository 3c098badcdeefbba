package io.qaflow.answer.it;

import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.redis.RedisKeys;
import io.qaflow.model.kafka.Json;
import java.time.Duration;
import java.util.Optional;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The tests' own Redis client: reads what the worker wrote, and writes what another service (the gateway, another
 * worker replica) would have, in the same key names and JSON.
 */
final class RedisInspector implements AutoCloseable {
    private final RedissonClient client;

    RedisInspector(String url) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(url).setConnectTimeout(500).setTimeout(1000);
        client = Redisson.create(config);
    }

    Optional<CachedAnswer> answer(AnswerCacheKey key) {
        String json = bucket(key).get();
        return Optional.ofNullable(json).map(value -> Json.MAPPER.readValue(value, CachedAnswer.class));
    }

    Duration timeToLive(AnswerCacheKey key) {
        return Duration.ofMillis(bucket(key).remainTimeToLive());
    }

    void put(AnswerCacheKey key, CachedAnswer answer) {
        bucket(key).set(Json.MAPPER.writeValueAsString(answer), Duration.ofMinutes(10));
    }

    /** The model the answer workers published for "auto" variants, or null. */
    String autoModel() {
        return client.<String, String>getMap(RedisKeys.PIPELINE, StringCodec.INSTANCE).get(RedisKeys.AUTO_MODEL_FIELD);
    }

    private RBucket<String> bucket(AnswerCacheKey key) {
        return client.getBucket(RedisKeys.answer(key), StringCodec.INSTANCE);
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
