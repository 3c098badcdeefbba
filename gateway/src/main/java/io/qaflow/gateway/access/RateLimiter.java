package io.qaflow.gateway.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.redis.RedisUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Decides on the bucket shared by all replicas in Redis; while Redis is unavailable, on this replica's own bucket
 * with the same settings (so the limit then holds per replica), counted in {@code qa.ratelimit.fallback{reason}}.
 * {@link io.qaflow.redis.RedisAvailability} notices when Redis is back, and the shared bucket is used again.
 */
public final class RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    private final RedisTokenBuckets shared;
    private final LocalTokenBuckets local;
    private final Counter unavailable;
    private final Counter failed;

    public RateLimiter(RedisTokenBuckets shared, LocalTokenBuckets local, MeterRegistry registry) {
        this.shared = shared;
        this.local = local;
        this.unavailable = fallbackCounter(registry, "unavailable");
        this.failed = fallbackCounter(registry, "error");
    }

    private static Counter fallbackCounter(MeterRegistry registry, String reason) {
        return Counter.builder("qa.ratelimit.fallback")
                .description("Rate limit decisions taken on this replica's own bucket because Redis could not decide")
                .tag("reason", reason)
                .register(registry);
    }

    /** Takes one token of {@code bucketId}. Never fails: without Redis the local bucket decides. */
    public Mono<Decision> take(String bucketId, TokenBucket.Limit limit) {
        return shared.take(bucketId, limit).onErrorResume(error -> {
            if (error instanceof RedisUnavailableException) {
                unavailable.increment();
            } else {
                failed.increment();
                log.warn("the shared rate limit of {} failed; deciding on this replica's bucket", bucketId, error);
            }
            return Mono.fromSupplier(() -> local.take(bucketId, limit));
        });
    }
}
