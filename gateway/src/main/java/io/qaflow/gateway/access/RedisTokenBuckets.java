package io.qaflow.gateway.access;

import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.RedisAvailability;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Token buckets shared by every replica: one Redis hash per bucket ({@link RedisKeys#RATE_LIMIT_PREFIX} + id, fields
 * {@code units} and {@code at}), updated by one Lua script per request, so refill, take and the answer are one atomic
 * round trip timed by Redis's own clock (replicas' clocks never matter). The script is {@link TokenBucket}'s
 * arithmetic line for line; the hash expires once the bucket would be full again, since a missing bucket is a full
 * one. Calls go through {@link RedisAvailability}: while Redis is away they fail at once with
 * {@link io.qaflow.redis.RedisUnavailableException}.
 */
public final class RedisTokenBuckets {
    /** Kept after the bucket is full, so an expiring key never races a request that just refilled it. */
    static final long TTL_MARGIN_MILLIS = 1_000;

    /**
     * TokenBucket.take, given {@code now}. ARGV: units per ms (= requests per minute), capacity units, units per token,
     * milliseconds the state outlives the bucket's refill.
     */
    private static final String ARITHMETIC = """
            local rate = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local unit = tonumber(ARGV[3])
            local stored = redis.call('HMGET', KEYS[1], 'units', 'at')
            local units = capacity
            local at = now
            if stored[1] and stored[2] then
              units = math.min(tonumber(stored[1]), capacity)
              at = tonumber(stored[2])
            end
            if now > at then
              if now - at >= math.ceil((capacity - units) / rate) then
                units = capacity
              else
                units = units + (now - at) * rate
              end
              at = now
            end
            local allowed = 0
            if units >= unit then
              units = units - unit
              allowed = 1
            end
            local untilNext = 0
            if units < unit then
              untilNext = math.ceil((unit - units) / rate)
            end
            local untilFull = math.ceil((capacity - units) / rate)
            redis.call('HSET', KEYS[1], 'units', string.format('%.0f', units), 'at', string.format('%.0f', at))
            redis.call('PEXPIRE', KEYS[1], untilFull + tonumber(ARGV[4]))
            return {allowed, math.floor(units / unit), untilNext, untilFull, units, at}
            """;

    /** Production: {@code now} is Redis's TIME (seconds, microseconds) in milliseconds. */
    static final String SCRIPT = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            """ + ARITHMETIC;

    /** The same arithmetic with {@code now} passed as ARGV[5], so a test can replay it against the Java one. */
    static final String SCRIPT_AT_GIVEN_TIME = "local now = tonumber(ARGV[5])\n" + ARITHMETIC;

    private final RedisAvailability redis;

    public RedisTokenBuckets(RedisAvailability redis) {
        this.redis = redis;
    }

    /** Takes one token from the shared bucket {@code bucketId}. */
    public Mono<Decision> take(String bucketId, TokenBucket.Limit limit) {
        return redis.call("ratelimit", () -> eval(redis, SCRIPT, key(bucketId), limit, TTL_MARGIN_MILLIS))
                .map(reply -> decision(reply, limit));
    }

    static String key(String bucketId) {
        return RedisKeys.RATE_LIMIT_PREFIX + bucketId;
    }

    static Mono<List<Object>> eval(RedisAvailability redis, String script, String key, TokenBucket.Limit limit,
                                   long ttlMarginMillis, String... extraArgs) {
        Object[] args = new Object[4 + extraArgs.length];
        args[0] = Long.toString(limit.unitsPerMilli());
        args[1] = Long.toString(limit.capacityUnits());
        args[2] = Long.toString(TokenBucket.UNITS_PER_TOKEN);
        args[3] = Long.toString(ttlMarginMillis);
        System.arraycopy(extraArgs, 0, args, 4, extraArgs.length);
        return redis.client().getScript(StringCodec.INSTANCE)
                .eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.LIST, List.of(key), args);
    }

    static Decision decision(List<Object> reply, TokenBucket.Limit limit) {
        return new Decision(number(reply, 0) == 1, limit.burst(), number(reply, 1), number(reply, 2),
                number(reply, 3), true);
    }

    /** The state the script stored (its last two results), for tests comparing it with {@link TokenBucket}. */
    static TokenBucket.State state(List<Object> reply) {
        return new TokenBucket.State(number(reply, 4), number(reply, 5));
    }

    private static long number(List<Object> reply, int index) {
        if (reply == null || reply.size() <= index || !(reply.get(index) instanceof Number value)) {
            throw new IllegalStateException("unexpected rate limit script reply " + reply);
        }
        return value.longValue();
    }
}
