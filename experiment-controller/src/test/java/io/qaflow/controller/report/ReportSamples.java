package io.qaflow.controller.report;

import io.qaflow.model.VariantStats;
import io.qaflow.model.VariantStats.Cost;
import io.qaflow.model.VariantStats.Latencies;
import io.qaflow.model.VariantStats.Percentiles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Aggregator statistics in the shape {@code GET /v1/experiments/{id}/stats} answers. */
public final class ReportSamples {
    public static final Instant FIRST_WINDOW = Instant.parse("2026-11-23T11:00:00Z");
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private ReportSamples() {}

    /**
     * A variant with {@code windows} one-minute windows (newest first, as the aggregator lists them) whose p50 grows
     * by 10 ms per window from {@code p50}, p95 = 2 x p50, p99 = 3 x p50.
     */
    public static AggregatorStats.VariantView variant(String experimentId, String name, long requests, long answered,
                                                      long feedbackUp, long feedbackDown, double costMean,
                                                      double p50, int windows) {
        List<VariantStats> recent = new ArrayList<>();
        for (int i = windows - 1; i >= 0; i--) {
            Instant start = FIRST_WINDOW.plus(WINDOW.multipliedBy(i));
            double median = p50 + 10 * i;
            recent.add(stats(experimentId, name, false, start, start.plus(WINDOW), requests / windows,
                    answered / windows, 0, 0, new Percentiles(answered / windows, median, median * 1.8, median * 2,
                            median * 3), costMean));
        }
        Instant end = FIRST_WINDOW.plus(WINDOW.multipliedBy(windows));
        return new AggregatorStats.VariantView(name, stats(experimentId, name, true, FIRST_WINDOW, end, requests,
                answered, feedbackUp, feedbackDown, new Percentiles(answered, p50, p50 * 1.8, p50 * 2, p50 * 3),
                costMean), recent);
    }

    static VariantStats stats(String experimentId, String name, boolean cumulative, Instant start, Instant end,
                              long requests, long answered, long up, long down, Percentiles total, double costMean) {
        return new VariantStats(VariantStats.SCHEMA_VERSION, experimentId, name, cumulative, start, end, requests,
                answered, requests - answered, Map.of(), Map.of(), 0, 0, 0,
                new Latencies(total, Percentiles.EMPTY, Percentiles.EMPTY, total), answered * 400, answered * 60,
                new Cost(costMean * requests, costMean, 0), up, down, 0);
    }
}
