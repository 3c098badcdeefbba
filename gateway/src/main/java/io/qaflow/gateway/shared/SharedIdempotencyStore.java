package io.qaflow.gateway.shared;

import io.qaflow.gateway.requests.IdempotencyStore;
import io.qaflow.gateway.requests.InMemoryIdempotencyStore;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Idempotency keys in Redis ({@code SET NX} with a TTL), so a retry reaching another replica finds the request the
 * first attempt created. With Redis failing, this replica's memory decides (a retry that lands on another replica during
 * the outage may then start a second request: the price of staying available).
 */
public final class SharedIdempotencyStore implements IdempotencyStore {
    private static final Logger log = LoggerFactory.getLogger(SharedIdempotencyStore.class);
    private static final String RELEASE = """
            local value = redis.call('GET', KEYS[1])
            if value and string.sub(value, -string.len(ARGV[1]) - 1) == ' ' .. ARGV[1] then
              redis.call('DEL', KEYS[1])
            end
            return 1""";

    private final RedisAvailability redis;
    private final InMemoryIdempotencyStore local;
    private final Duration ttl;

    public SharedIdempotencyStore(RedisAvailability redis, InMemoryIdempotencyStore local, Duration ttl) {
        this.redis = redis;
        this.local = local;
        this.ttl = ttl;
    }

    @Override
    public Mono<Claim> claim(String key, String fingerprint, String requestId, Instant now) {
        String redisKey = RedisKeys.IDEMPOTENCY_PREFIX + key;
        return redis.call("idempotency-claim", () -> redis.client().<String>getBucket(redisKey, StringCodec.INSTANCE)
                        .setIfAbsent(fingerprint + ' ' + requestId, ttl))
                .flatMap(claimed -> claimed
                        ? local.claim(key, fingerprint, requestId, now).thenReturn((Claim) new Claim.Claimed())
                        : existing(redisKey, fingerprint)
                                // the key expired between SET NX and GET: claim it again
                                .switchIfEmpty(Mono.defer(() -> claim(key, fingerprint, requestId, now))))
                .onErrorResume(e -> {
                    warnUnlessOutage("claim", e);
                    return local.claim(key, fingerprint, requestId, now);
                });
    }

    private Mono<Claim> existing(String redisKey, String fingerprint) {
        return redis.call("idempotency-get", () -> redis.client().<String>getBucket(redisKey, StringCodec.INSTANCE)
                        .get())
                .map(value -> {
                    int space = value.lastIndexOf(' ');
                    String existingId = value.substring(space + 1);
                    return value.substring(0, space).equals(fingerprint)
                            ? (Claim) new Claim.SameRequest(existingId)
                            : new Claim.Conflict(existingId);
                });
    }

    @Override
    public Mono<Void> release(String key, String requestId) {
        return local.release(key, requestId).then(redis.call("idempotency-release", () -> redis.client()
                        .getScript(StringCodec.INSTANCE).<Long>eval(RScript.Mode.READ_WRITE, RELEASE,
                                RScript.ReturnType.LONG, List.of(RedisKeys.IDEMPOTENCY_PREFIX + key), requestId))
                .then()
                .onErrorResume(e -> {
                    warnUnlessOutage("release", e);
                    return Mono.empty();
                }));
    }

    /** Any Redis failure falls back to memory; one that is not an outage (a script error, OOM, READONLY) is logged. */
    private static void warnUnlessOutage(String operation, Throwable e) {
        if (!(e instanceof RedisUnavailableException)) {
            log.warn("idempotency key {} failed in Redis; using this replica's memory: {}", operation, e.toString());
        }
    }
}
