package io.qaflow.answer.resilience;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial · multiplier^(n-1)}, capped at {@code max},
 * varied uniformly by ±{@code jitter} of itself, and never more than {@code max}.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, double multiplier, double jitter, RandomGenerator random) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
        if (multiplier < 1 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("need multiplier >= 1 and jitter in 0..1");
        }
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.random = random;
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        double base = Math.min(max.toMillis(), initial.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1)));
        double jittered = base * (1 + jitter * (2 * random.nextDouble() - 1));
        return Duration.ofMillis(Math.round(Math.clamp(jittered, 0, max.toMillis())));
    }
}
