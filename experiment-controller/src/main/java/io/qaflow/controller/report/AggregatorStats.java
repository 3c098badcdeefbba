package io.qaflow.controller.report;

import io.qaflow.model.VariantStats;
import java.util.List;

/**
 * The metrics aggregator's answer to {@code GET /v1/experiments/{id}/stats}: per variant the cumulative figures and
 * the latest windows, newest first.
 */
public record AggregatorStats(String experimentId, List<VariantView> variants) {
    public AggregatorStats {
        variants = variants == null ? List.of() : List.copyOf(variants);
    }

    public record VariantView(String variant, VariantStats cumulative, List<VariantStats> recentWindows) {
        public VariantView {
            recentWindows = recentWindows == null ? List.of() : List.copyOf(recentWindows);
        }
    }
}
