package io.qaflow.model;

import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.Map;

/**
 * Statistics of one experiment variant, on the compacted {@code qa.experiment-stats.v1} under {@link #key()}: one
 * record per tumbling window, and one cumulative record, each replaced as new events arrive.
 *
 * <p>{@code requests} counts terminal events ({@code answered + failed}); {@code expired} is the part of
 * {@code failed} with error code EXPIRED. Latencies cover answered requests only. Cost statistics run over all
 * terminal events (a failure counts as 0 USD, as it carries no cost). {@code late} counts events that arrived after
 * their window had closed: they are in the cumulative record only, which is the only record where it can be non-zero.
 *
 * @param cumulative true for the record since the experiment's first event; then {@code windowStart} is the earliest
 *     and {@code windowEnd} the latest event time seen
 * @param windowStart inclusive start of the window
 * @param windowEnd exclusive end of the window (or, when cumulative, the latest event time)
 */
public record VariantStats(
        int schemaVersion,
        String experimentId,
        String variant,
        boolean cumulative,
        Instant windowStart,
        Instant windowEnd,
        long requests,
        long answered,
        long failed,
        Map<FailureCode, Long> failedByCode,
        Map<FailureStage, Long> failedByStage,
        long degraded,
        long expired,
        long cacheHits,
        Latencies latencyMs,
        long promptTokens,
        long completionTokens,
        Cost costUsd,
        long feedbackUp,
        long feedbackDown,
        long late) {

    public static final int SCHEMA_VERSION = 1;
    public static final String CUMULATIVE_KEY = "cumulative";

    public VariantStats {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1");
        }
        notBlank(experimentId, "experimentId");
        notBlank(variant, "variant");
        notNull(windowStart, "windowStart");
        notNull(windowEnd, "windowEnd");
        if (windowEnd.isBefore(windowStart)) {
            throw new IllegalArgumentException("windowEnd must not be before windowStart");
        }
        failedByCode = Map.copyOf(notNull(failedByCode, "failedByCode"));
        failedByStage = Map.copyOf(notNull(failedByStage, "failedByStage"));
        notNull(latencyMs, "latencyMs");
        notNull(costUsd, "costUsd");
        for (long count : new long[] {requests, answered, failed, degraded, expired, cacheHits, promptTokens,
                completionTokens, feedbackUp, feedbackDown, late}) {
            if (count < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }
    }

    /** The compacted topic's key: {@code experimentId/variant/<window start ISO-8601>} or {@code .../cumulative}. */
    public String key() {
        return key(experimentId, variant, cumulative ? null : windowStart);
    }

    /** The key of a window's record, or of the cumulative record when {@code windowStart} is null. */
    public static String key(String experimentId, String variant, Instant windowStart) {
        return experimentId + "/" + variant + "/" + (windowStart == null ? CUMULATIVE_KEY : windowStart.toString());
    }

    /** Latency percentiles in milliseconds, for the whole request and each stage. */
    public record Latencies(Percentiles total, Percentiles embed, Percentiles retrieve, Percentiles generate) {
        public Latencies {
            notNull(total, "total");
            notNull(embed, "embed");
            notNull(retrieve, "retrieve");
            notNull(generate, "generate");
        }
    }

    /** Percentiles of {@code count} values, from a DDSketch with 1% relative accuracy; all 0 when count is 0. */
    public record Percentiles(long count, double p50, double p90, double p95, double p99) {
        public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0);
    }

    /** Cost in USD per terminal event: sum, mean and sample variance (0 below two events). */
    public record Cost(double sum, double mean, double variance) {
        public static final Cost NONE = new Cost(0, 0, 0);
    }
}
