package io.qaflow.metrics.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * What shapes the aggregation.
 *
 * @param windowSize length of the tumbling windows
 * @param grace how long after a window's end an event for it is still counted in it (beyond: counted as late)
 * @param dedupRetention how long an event id is remembered to drop redelivered copies of that event
 * @param flushInterval how often each input task forwards its partial aggregates (wall-clock time): the delay before
 *     an event shows in the statistics, on top of the commit interval
 * @param verdictInterval how often the verdicts of experiments with new figures are recomputed (wall-clock time):
 *     each recomputation is one look of the sequential tests
 */
public record TopologySettings(Duration windowSize, Duration grace, Duration dedupRetention, Duration flushInterval,
                               Duration verdictInterval) {
    public static final TopologySettings DEFAULTS = new TopologySettings(Duration.ofMinutes(1), Duration.ofSeconds(30),
            Duration.ofDays(1), Duration.ofSeconds(1), Duration.ofSeconds(10));

    public TopologySettings {
        Objects.requireNonNull(windowSize, "windowSize");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(dedupRetention, "dedupRetention");
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(verdictInterval, "verdictInterval");
        if (windowSize.isNegative() || windowSize.isZero() || grace.isNegative() || dedupRetention.isNegative()
                || dedupRetention.isZero() || flushInterval.isNegative() || flushInterval.isZero()
                || verdictInterval.isNegative() || verdictInterval.isZero()) {
            throw new IllegalArgumentException(
                    "window size, dedup retention, flush and verdict intervals must be positive, grace >= 0");
        }
    }
}
