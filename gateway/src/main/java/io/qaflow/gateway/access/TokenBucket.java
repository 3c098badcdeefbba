package io.qaflow.gateway.access;

/**
 * The token bucket arithmetic, formula for formula the same as the Lua script of {@link RedisTokenBuckets} (which
 * runs it on the state shared by all replicas) and used as is by {@link LocalTokenBuckets} (this replica's fallback).
 *
 * <p>Everything is an integer. A token is {@value #UNITS_PER_TOKEN} units (the milliseconds of a minute), so a bucket
 * refilling {@code requestsPerMinute} tokens a minute gains exactly {@code requestsPerMinute} units a millisecond; it
 * holds at most {@code burst} tokens. One step, at time {@code now} (epoch milliseconds):
 * <ol>
 *   <li>no stored state: the bucket is full ({@code units = capacity}, {@code at = now}); else
 *       {@code units = min(stored units, capacity)} (the limit may have been lowered);</li>
 *   <li>refill: if {@code now > at}, {@code units = min(capacity, units + (now - at) * rate)}, written as "full once
 *       {@code now - at >= ceil((capacity - units) / rate)}" so no product can overflow, and {@code at = now};
 *       a clock that went back refills nothing and leaves {@code at} alone;</li>
 *   <li>take: allowed when {@code units >= UNITS_PER_TOKEN}, which then takes one token;</li>
 *   <li>report: {@code remaining = floor(units / UNITS_PER_TOKEN)}, {@code untilNext = units >= UNITS_PER_TOKEN ? 0
 *       : ceil((UNITS_PER_TOKEN - units) / rate)}, {@code untilFull = ceil((capacity - units) / rate)} (ms).</li>
 * </ol>
 * A bucket whose state is gone is full, which is why Redis may expire the state once {@code untilFull} has passed.
 * Lua numbers are doubles, exact for integers below 2<sup>53</sup>; the limits in {@link Limit} keep every value and
 * quotient of the formula far below that, so both sides compute the same integers.
 */
public final class TokenBucket {
    /** Units in one token: the milliseconds in a minute, so that a refill rate in tokens/minute is units/ms. */
    public static final long UNITS_PER_TOKEN = 60_000;
    /** Largest requests per minute and burst accepted. */
    public static final int MAX_RATE = 1_000_000;

    private TokenBucket() {}

    /**
     * How fast a bucket refills and how much it holds.
     *
     * @param requestsPerMinute tokens added per minute
     * @param burst tokens a full bucket holds: the most requests admitted at once
     */
    public record Limit(int requestsPerMinute, int burst) {
        public Limit {
            if (requestsPerMinute < 1 || requestsPerMinute > MAX_RATE) {
                throw new IllegalArgumentException("requests per minute must be 1 to " + MAX_RATE + ", was "
                        + requestsPerMinute);
            }
            if (burst < 1 || burst > MAX_RATE) {
                throw new IllegalArgumentException("burst must be 1 to " + MAX_RATE + ", was " + burst);
            }
        }

        /** Units a full bucket holds. */
        public long capacityUnits() {
            return burst * UNITS_PER_TOKEN;
        }

        /** Units added per millisecond. */
        public long unitsPerMilli() {
            return requestsPerMinute;
        }
    }

    /** What a bucket stores between requests: its units and the time (epoch ms) they were counted at. */
    public record State(long units, long atMillis) {}

    /** The state to store and what the request is told. */
    public record Step(State state, Decision decision) {}

    /**
     * Takes one token at {@code nowMillis}.
     *
     * @param stored the stored state; null for a bucket never used or expired, which is full
     */
    public static Step take(State stored, long nowMillis, Limit limit) {
        long capacity = limit.capacityUnits();
        long rate = limit.unitsPerMilli();
        long units = stored == null ? capacity : Math.min(stored.units(), capacity);
        long at = stored == null ? nowMillis : stored.atMillis();
        if (nowMillis > at) {
            long elapsed = nowMillis - at;
            units = elapsed >= Math.ceilDiv(capacity - units, rate) ? capacity : units + elapsed * rate;
            at = nowMillis;
        }
        boolean allowed = units >= UNITS_PER_TOKEN;
        if (allowed) {
            units -= UNITS_PER_TOKEN;
        }
        long remaining = units / UNITS_PER_TOKEN;
        long untilNext = units >= UNITS_PER_TOKEN ? 0 : Math.ceilDiv(UNITS_PER_TOKEN - units, rate);
        long untilFull = Math.ceilDiv(capacity - units, rate);
        return new Step(new State(units, at),
                new Decision(allowed, limit.burst(), remaining, untilNext, untilFull, false));
    }
}
