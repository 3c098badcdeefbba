package io.qaflow.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.model.kafka.Json;
import java.time.Duration;
import org.redisson.api.RBucketReactive;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Answers by {@link AnswerCacheKey}, at two levels: Caffeine in the replica's memory (bounded, TTL) over Redis (TTL),
 * shared by every replica. Keys are content-addressed (every version an answer depends on is in the key), so an entry
 * never changes once written and the memory level needs no invalidation. Without Redis the memory level still serves.
 * Every lookup is counted in {@code qa.cache.requests} by tier and result.
 */
public final class AnswerCache {
    private static final Logger log = LoggerFactory.getLogger(AnswerCache.class);

    /** Where a hit came from. */
    public enum Tier {
        MEMORY, REDIS;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Hit(CachedAnswer answer, Tier tier) {}

    private final Cache<String, CachedAnswer> memory;
    private final RedisAvailability redis;
    private final Duration redisTtl;
    private final MeterRegistry registry;

    public AnswerCache(RedisAvailability redis, CacheProperties properties, MeterRegistry registry) {
        this.memory = Caffeine.newBuilder()
                .maximumSize(properties.memoryMaxEntries())
                .expireAfterWrite(properties.memoryTtl())
                .build();
        this.redis = redis;
        this.redisTtl = properties.answerTtl();
        this.registry = registry;
    }

    /**
     * The cached answer for {@code key}: from memory, else from Redis (then kept in memory too); empty on a miss.
     * Counted in {@code qa.cache.requests}: this is a request's exact-cache lookup.
     */
    public Mono<Hit> find(AnswerCacheKey key) {
        return find(key, true);
    }

    /**
     * Like {@link #find} but not counted: for reads that are not a request's exact lookup (a semantic candidate's
     * answer, an agreement check), which would otherwise inflate the exact tiers' hit rates.
     */
    public Mono<Hit> peek(AnswerCacheKey key) {
        return find(key, false);
    }

    private Mono<Hit> find(AnswerCacheKey key, boolean counted) {
        String redisKey = RedisKeys.answer(key);
        CachedAnswer local = memory.getIfPresent(redisKey);
        if (local != null) {
            count(counted, Tier.MEMORY, "hit");
            return Mono.just(new Hit(local, Tier.MEMORY));
        }
        count(counted, Tier.MEMORY, "miss");
        return redis.call("answer-get", () -> bucket(redisKey).get())
                .map(json -> Json.MAPPER.readValue(json, CachedAnswer.class))
                .doOnNext(found -> {
                    memory.put(redisKey, found);
                    count(counted, Tier.REDIS, "hit");
                })
                .map(found -> new Hit(found, Tier.REDIS))
                .switchIfEmpty(Mono.fromRunnable(() -> count(counted, Tier.REDIS, "miss")))
                .onErrorResume(e -> {
                    count(counted, Tier.REDIS, e instanceof RedisUnavailableException ? "unavailable" : "error");
                    if (!(e instanceof RedisUnavailableException)) {
                        log.warn("reading cached answer {} failed", redisKey, e);
                    }
                    return Mono.empty();
                });
    }

    /** Whether an answer for {@code key} is cached, without counting a lookup (for cache warming). */
    public Mono<Boolean> contains(AnswerCacheKey key) {
        String redisKey = RedisKeys.answer(key);
        if (memory.getIfPresent(redisKey) != null) {
            return Mono.just(true);
        }
        return redis.call("answer-exists", () -> bucket(redisKey).isExists()).onErrorReturn(false);
    }

    /** Stores the answer in memory and in Redis; a Redis failure leaves it in memory only. */
    public Mono<Void> put(AnswerCacheKey key, CachedAnswer answer) {
        String redisKey = RedisKeys.answer(key);
        memory.put(redisKey, answer);
        String json = Json.MAPPER.writeValueAsString(answer);
        return redis.call("answer-set", () -> bucket(redisKey).set(json, redisTtl))
                .onErrorResume(e -> {
                    if (!(e instanceof RedisUnavailableException)) {
                        log.warn("storing cached answer {} failed", redisKey, e);
                    }
                    return Mono.empty();
                });
    }

    /** Answers held in this replica's memory. */
    public long memorySize() {
        return memory.estimatedSize();
    }

    private RBucketReactive<String> bucket(String redisKey) {
        return redis.client().getBucket(redisKey, StringCodec.INSTANCE);
    }

    private void count(boolean counted, Tier tier, String result) {
        if (counted) {
            count(registry, tier.tag(), result);
        }
    }

    /** Counts one lookup in {@code qa.cache.requests}. */
    public static void count(MeterRegistry registry, String tier, String result) {
        Counter.builder("qa.cache.requests").description("Answer cache lookups by tier and result")
                .tag("tier", tier).tag("result", result).register(registry).increment();
    }
}
