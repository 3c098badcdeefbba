package io.qaflow.controller.report;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /v1/experiments/{id}/report} answers: the experiment with its audit trail, the latest verdict the
 * controller consumed (null when none), the aggregator's statistics (null when they could not be read, with a
 * warning saying why) and per-variant figures derived from them.
 */
public record ExperimentReport(
        Instant generatedAt,
        ExperimentState experiment,
        ExperimentVerdict verdict,
        AggregatorStats stats,
        List<VariantSummary> variants,
        List<String> warnings) {

    public ExperimentReport {
        variants = List.copyOf(variants);
        warnings = List.copyOf(warnings);
    }

    /**
     * One arm's figures. Rates and cost come from the aggregator's cumulative record; the rates are null without
     * requests (or without feedback). {@code observedShare} is this arm's part of all terminal requests.
     */
    public record VariantSummary(
            String variant,
            boolean control,
            double configuredShare,
            Double observedShare,
            long requests,
            Wilson.Rate successRate,
            Wilson.Rate positiveFeedbackRate,
            Double costPerRequestUsd,
            List<LatencyWindow> latency) {

        public VariantSummary {
            latency = List.copyOf(latency);
        }
    }

    /** Latency percentiles of answered requests in one window, in milliseconds. */
    public record LatencyWindow(Instant windowStart, Instant windowEnd, long count, double p50, double p95,
                                double p99) {}
}
