package io.qaflow.metrics.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * What shapes the aggregation.
 *
 * @param windowSize length of the tumbling windows
 * @param grace how long after a window's end an event for it is still counted in it (beyond: counted as late)
 * @param dedupRetention how long an event id is remembered to drop redelivered copies of that event
 */
public record TopologySettings(Duration windowSize, Duration grace, Duration dedupRetention) {
    public static final TopologySettings DEFAULTS =
            new TopologySettings(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofDays(1));

    public TopologySettings {
        Objects.requireNonNull(windowSize, "windowSize");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(dedupRetention, "dedupRetention");
        if (windowSize.isNegative() || windowSize.isZero() || grace.isNegative() || dedupRetention.isNegative()
                || dedupRetention.isZero()) {
            throw new IllegalArgumentException("window size and dedup retention must be positive, grace >= 0");
        }
    }
}
