package io.qaflow.controller.report;

import io.qaflow.controller.report.AggregatorStats.VariantView;
import io.qaflow.controller.report.ExperimentReport.LatencyWindow;
import io.qaflow.controller.report.ExperimentReport.VariantSummary;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.VariantStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Puts an experiment, its latest verdict and the aggregator's statistics together; pure. */
public final class ReportBuilder {
    private ReportBuilder() {}

    public static ExperimentReport build(Instant now, ExperimentState experiment, ExperimentVerdict verdict,
                                         StatsSource.Result stats) {
        List<String> warnings = new ArrayList<>();
        if (stats.warning() != null) {
            warnings.add(stats.warning());
        }
        Map<String, VariantView> views = new LinkedHashMap<>();
        if (stats.stats() != null) {
            stats.stats().variants().forEach(v -> views.put(v.variant(), v));
        }
        long total = views.values().stream().filter(v -> v.cumulative() != null)
                .mapToLong(v -> v.cumulative().requests()).sum();
        List<VariantSummary> variants = new ArrayList<>();
        for (ExperimentState.Arm arm : experiment.variants()) {
            variants.add(summary(arm.name(), arm.name().equals(experiment.controlVariant()),
                    experiment.allocation(arm.name()), views.remove(arm.name()), total));
        }
        // variants the aggregator saw that the experiment does not define (renamed arms, stray events)
        views.values().forEach(v -> {
            variants.add(summary(v.variant(), false, 0, v, total));
            warnings.add("the aggregator has figures for '" + v.variant() + "', which is not an arm of the experiment");
        });
        return new ExperimentReport(now, experiment, verdict, stats.stats(), variants, warnings);
    }

    private static VariantSummary summary(String name, boolean control, double configuredShare, VariantView view,
                                          long totalRequests) {
        VariantStats cumulative = view == null ? null : view.cumulative();
        if (cumulative == null) {
            return new VariantSummary(name, control, configuredShare, null, 0, null, null, null,
                    view == null ? List.of() : latency(view.recentWindows()));
        }
        long requests = cumulative.requests();
        return new VariantSummary(name, control, configuredShare,
                totalRequests == 0 ? null : requests / (double) totalRequests, requests,
                Wilson.rate95(Math.min(cumulative.answered(), requests), requests),
                Wilson.rate95(cumulative.feedbackUp(), cumulative.feedbackUp() + cumulative.feedbackDown()),
                requests == 0 ? null : cumulative.costUsd().mean(), latency(view.recentWindows()));
    }

    /** Oldest first, for the chart's time axis. */
    private static List<LatencyWindow> latency(List<VariantStats> windows) {
        return windows.stream().filter(w -> !w.cumulative())
                .sorted(Comparator.comparing(VariantStats::windowStart))
                .map(w -> new LatencyWindow(w.windowStart(), w.windowEnd(), w.latencyMs().total().count(),
                        w.latencyMs().total().p50(), w.latencyMs().total().p95(), w.latencyMs().total().p99()))
                .toList();
    }
}
