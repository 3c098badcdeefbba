package io.qaflow.gateway.cache;

import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import java.util.Optional;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The answer cache as the gateway uses it: the key of a question under the pipeline's current versions (corpus from
 * the embedder, the answer workers' model for "auto" variants), the lookup, and the question frequency that cache
 * warming ranks by.
 */
public final class GatewayAnswerCache {
    private static final Logger log = LoggerFactory.getLogger(GatewayAnswerCache.class);

    private final AnswerCache cache;
    private final PipelineVersions versions;
    private final RedisAvailability redis;
    private final boolean enabled;

    public GatewayAnswerCache(AnswerCache cache, PipelineVersions versions, RedisAvailability redis,
                              boolean enabled) {
        this.cache = cache;
        this.versions = versions;
        this.redis = redis;
        this.enabled = enabled;
    }

    /** The key under the current versions; empty while a version is unknown (nothing published it yet). */
    public Optional<AnswerCacheKey> keyFor(String question, Variant variant) {
        if (!enabled) {
            return Optional.empty();
        }
        PipelineVersions.Snapshot current = versions.current();
        String model = Variant.AUTO_MODEL.equals(variant.model()) ? current.autoModel() : variant.model();
        if (current.corpusVersion() == null || model == null) {
            return Optional.empty();
        }
        return Optional.of(AnswerCacheKey.of(question, current.corpusVersion(), variant, model));
    }

    public Mono<AnswerCache.Hit> lookup(String question, Variant variant) {
        return Mono.justOrEmpty(keyFor(question, variant)).flatMap(cache::find);
    }

    public Mono<Boolean> isCached(String question, Variant variant) {
        return Mono.justOrEmpty(keyFor(question, variant)).flatMap(cache::contains).defaultIfEmpty(false);
    }

    /** Longest normalised question counted for warming: long ones are rarely asked twice. */
    static final int LONGEST_COUNTED_QUESTION = 512;

    /** Counts the question for cache warming; fire and forget, a lost count changes nothing else. */
    public void recordAsked(String question) {
        if (!enabled) {
            return;
        }
        String normalized = AnswerCacheKey.normalize(question);
        if (normalized.isEmpty() || normalized.length() > LONGEST_COUNTED_QUESTION) {
            return;
        }
        redis.call("frequency-increment", () -> redis.client().<String>getScoredSortedSet(
                        RedisKeys.QUESTION_FREQUENCY, StringCodec.INSTANCE).addScore(normalized, 1))
                .subscribe(null, e -> log.debug("counting a question failed: {}", e.toString()));
    }

    public boolean enabled() {
        return enabled;
    }

    public long memorySize() {
        return cache.memorySize();
    }
}
