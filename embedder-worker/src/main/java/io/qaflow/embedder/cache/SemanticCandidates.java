package io.qaflow.embedder.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The candidate questions of each answer context: a Redis hash {@code qa:semantic:<context digest>} mapping the
 * normalised question to its embedding (little-endian float32), mirrored in this replica's memory by Redisson's
 * {@link RLocalCachedMap}, so a lookup scans memory and never waits on Redis. Each context's map is opened on first
 * use (and its hash loaded then); the open ones are kept in a small Caffeine cache and destroyed (listener and memory
 * released) when evicted, since a new corpus version means new contexts. Thread-safe.
 *
 * <p>Redisson's reactive client offers the local cached map too, but its reactive view has no {@code destroy()}, so
 * every context ever opened would keep its pub/sub listener; the maps are therefore created from the synchronous
 * client, and every command on them still goes through {@link RedisAvailability#call} (as an async future).
 */
final class SemanticCandidates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SemanticCandidates.class);
    private static final CompositeCodec CODEC = new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE);

    private final RedisAvailability redis;
    private final RedissonClient redisson;
    private final int maxCandidates;
    private final Duration ttl;
    private final Cache<String, RLocalCachedMap<String, byte[]>> mirrors;

    /**
     * @param maxCandidates most questions kept per context, in Redis and in memory
     * @param ttl how long a context's hash lives after its last new candidate (the answers' TTL)
     * @param maxOpenContexts contexts mirrored in memory at once
     */
    SemanticCandidates(RedisAvailability redis, RedissonClient redisson, int maxCandidates, Duration ttl,
                       int maxOpenContexts) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.redisson = Objects.requireNonNull(redisson, "redisson");
        this.maxCandidates = maxCandidates;
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.mirrors = Caffeine.newBuilder()
                .maximumSize(maxOpenContexts)
                .expireAfterAccess(ttl)
                .<String, RLocalCachedMap<String, byte[]>>removalListener((digest, map, cause) -> {
                    if (map != null) {
                        map.destroy();
                    }
                })
                .build();
    }

    /**
     * The context's candidates (normalised question to encoded vector) as this replica holds them; null when the
     * context is not mirrored yet and Redis cannot be read to load it.
     */
    Map<String, byte[]> candidates(String contextDigest) {
        RLocalCachedMap<String, byte[]> map = mirror(contextDigest);
        return map == null ? null : map.getCachedMap();
    }

    /** Adds a candidate (not waited for); ignored when the context is full or Redis is away. */
    void add(String contextDigest, String normalizedQuestion, byte[] vector) {
        RLocalCachedMap<String, byte[]> map = mirror(contextDigest);
        if (map == null || map.getCachedMap().containsKey(normalizedQuestion)
                || map.getCachedMap().size() >= maxCandidates) {
            return;
        }
        redis.call("semantic-add", () -> Mono.fromCompletionStage(map.fastPutAsync(normalizedQuestion, vector))
                        .then(Mono.fromCompletionStage(() -> map.expireAsync(ttl))).then())
                .onErrorResume(e -> {
                    if (!(e instanceof RedisUnavailableException)) {
                        log.warn("adding a semantic candidate to context {} failed", contextDigest, e);
                    }
                    return Mono.empty();
                })
                .subscribe();
    }

    /**
     * Reads what each mirrored context lacks from Redis: candidates whose update messages were missed, or all of them
     * after a reconnection cleared the mirror.
     */
    void refresh() {
        if (!redis.isAvailable()) {
            return;
        }
        mirrors.asMap().forEach((digest, map) -> {
            try {
                load(map);
            } catch (RuntimeException e) {
                log.debug("refreshing semantic candidates of context {} failed", digest, e);
            }
        });
    }

    /** Drops every mirror (after Redis was away), so the next use opens and loads it afresh. */
    void reopenAll() {
        mirrors.invalidateAll();
    }

    int openContexts() {
        mirrors.cleanUp();
        return (int) mirrors.estimatedSize();
    }

    private RLocalCachedMap<String, byte[]> mirror(String contextDigest) {
        RLocalCachedMap<String, byte[]> map = mirrors.getIfPresent(contextDigest);
        if (map != null || !redis.isAvailable()) {
            return map;
        }
        RLocalCachedMap<String, byte[]> opened;
        try {
            // creating the map subscribes to its update topic and reads its state, blocking: through call() too, so
            // a Redis that just went away degrades the service instead of failing every lookup slowly
            opened = redis.call("semantic-open", () -> Mono.fromCallable(() -> open(contextDigest))).block();
        } catch (RuntimeException e) {
            if (!(e instanceof RedisUnavailableException)) {
                log.warn("opening the semantic candidates of context {} failed", contextDigest, e);
            }
            return null;
        }
        try {
            load(opened);
        } catch (RuntimeException e) {
            opened.destroy();
            if (!(e instanceof RedisUnavailableException)) {
                log.warn("loading the semantic candidates of context {} failed", contextDigest, e);
            }
            return null;
        }
        RLocalCachedMap<String, byte[]> raced = mirrors.asMap().putIfAbsent(contextDigest, opened);
        if (raced != null) {
            opened.destroy();
            return raced;
        }
        return opened;
    }

    private RLocalCachedMap<String, byte[]> open(String contextDigest) {
        return redisson.getLocalCachedMap(
                LocalCachedMapOptions.<String, byte[]>name(RedisKeys.SEMANTIC_PREFIX + contextDigest)
                        .codec(CODEC)
                        .cacheSize(maxCandidates)
                        .evictionPolicy(LocalCachedMapOptions.EvictionPolicy.LRU)
                        .timeToLive(ttl)
                        // a candidate added by any replica reaches every other replica's mirror at once, with its
                        // vector, so a paraphrase asked at another replica right after can hit
                        .syncStrategy(LocalCachedMapOptions.SyncStrategy.UPDATE)
                        // candidates are written once and never change, so a mirror can only lack entries, never
                        // hold wrong ones; CLEAR drops it after a reconnection (update messages may have been lost)
                        // and refresh() reloads it. LOAD would keep an update log per map and schedule its clean-up
                        // in a task that destroy() does not cancel, one per context ever opened.
                        .reconnectionStrategy(LocalCachedMapOptions.ReconnectionStrategy.CLEAR));
    }

    /** Reads the entries missing from the mirror into it (Redisson sends the keys it holds and gets the rest). */
    private void load(RLocalCachedMap<String, byte[]> map) {
        redis.call("semantic-load", () -> Mono.fromCompletionStage(map.readAllMapAsync())).block();
    }

    @Override
    public void close() {
        mirrors.invalidateAll();
        mirrors.cleanUp();
    }
}
