package io.qaflow.gateway.access;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's own token buckets, one per bucket id, used while Redis is away: the same arithmetic and settings
 * as the shared buckets, but each replica admits its own {@code burst}, so the limit holds per replica only. Bucket
 * ids are the configured key ids (and {@code anonymous}), so the map stays as small as the configuration.
 */
public final class LocalTokenBuckets {
    private final Map<String, TokenBucket.State> states = new ConcurrentHashMap<>();
    private final Clock clock;

    public LocalTokenBuckets(Clock clock) {
        this.clock = clock;
    }

    public Decision take(String bucketId, TokenBucket.Limit limit) {
        Decision[] decision = new Decision[1];
        states.compute(bucketId, (id, stored) -> {
            TokenBucket.Step step = TokenBucket.take(stored, clock.millis(), limit);
            decision[0] = step.decision();
            return step.state();
        });
        return decision[0];
    }
}
