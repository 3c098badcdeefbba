package io.qaflow.embedder.cache;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.redisson.api.RBatchReactive;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Question embeddings cached in Redis ({@link RedisKeys#embedding}, little-endian float32, with a TTL) in front of a
 * model: one multi-key read per batch, one model call for the texts not found, one pipelined write of the new
 * vectors (not waited for). Without Redis every text is embedded, as if nothing were cached. A model failure fails
 * the whole call, as the model alone would. Lookups are counted in
 * {@code qa.cache.requests{tier=embedding,result=hit|miss|unavailable|error}}.
 */
public final class CachedEmbeddingModel implements EmbeddingModel {
    private static final Logger log = LoggerFactory.getLogger(CachedEmbeddingModel.class);
    static final String TIER = "embedding";

    private final EmbeddingModel model;
    private final RedisAvailability redis;
    private final Duration ttl;
    private final MeterRegistry registry;

    public CachedEmbeddingModel(EmbeddingModel model, RedisAvailability redis, Duration ttl, MeterRegistry registry) {
        this.model = Objects.requireNonNull(model, "model");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.registry = Objects.requireNonNull(registry, "registry");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<String> keys = texts.stream().map(this::key).toList();
        Lookup lookup = lookup(keys);
        float[][] vectors = new float[texts.size()][];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            float[] cached = VectorBytes.decode(lookup.found().get(keys.get(i)), model.dimensions());
            if (cached != null) {
                vectors[i] = cached;
                count("hit");
            } else {
                missing.computeIfAbsent(texts.get(i), t -> new ArrayList<>()).add(i);
                count(lookup.result());
            }
        }
        if (missing.isEmpty()) {
            return vectors;
        }
        List<String> toEmbed = new ArrayList<>(missing.keySet());
        float[][] fresh = model.embed(toEmbed);
        Map<String, byte[]> toStore = new LinkedHashMap<>();
        for (int m = 0; m < toEmbed.size(); m++) {
            for (int i : missing.get(toEmbed.get(m))) {
                vectors[i] = fresh[m];
            }
            toStore.put(key(toEmbed.get(m)), VectorBytes.encode(fresh[m]));
        }
        if (lookup.reachable()) {
            store(toStore);
        }
        return vectors;
    }

    private record Lookup(Map<String, byte[]> found, String result, boolean reachable) {}

    private Lookup lookup(List<String> keys) {
        try {
            Map<String, byte[]> found = redis.call("embedding-get",
                    () -> redis.client().getBuckets(ByteArrayCodec.INSTANCE)
                            .<byte[]>get(keys.toArray(String[]::new))).block();
            return new Lookup(found == null ? Map.of() : found, "miss", true);
        } catch (RedisUnavailableException e) {
            return new Lookup(Map.of(), "unavailable", false);
        } catch (RuntimeException e) {
            log.warn("reading {} cached embeddings failed; embedding them", keys.size(), e);
            return new Lookup(Map.of(), "error", false);
        }
    }

    private void store(Map<String, byte[]> vectors) {
        redis.call("embedding-set", () -> {
            RBatchReactive batch = redis.client().createBatch();
            vectors.forEach((key, bytes) -> batch.getBucket(key, ByteArrayCodec.INSTANCE).set(bytes, ttl));
            return batch.execute().then();
        }).onErrorResume(e -> {
            if (!(e instanceof RedisUnavailableException)) {
                log.warn("storing {} embeddings failed", vectors.size(), e);
            }
            return Mono.empty();
        }).subscribe();
    }

    private String key(String text) {
        return RedisKeys.embedding(model.modelId(), text);
    }

    private void count(String result) {
        AnswerCache.count(registry, TIER, result);
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }
}
