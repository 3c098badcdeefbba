package io.qaflow.controller.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.controller.Samples;
import io.qaflow.controller.report.ExperimentReport.VariantSummary;
import io.qaflow.model.ExperimentState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {
    private static final ExperimentState EXPERIMENT = Samples.running("exp-1");

    @Test
    void derivesRatesCostSplitAndLatencyOverTimeFromTheAggregatorsFigures() {
        AggregatorStats stats = new AggregatorStats("exp-1", List.of(
                ReportSamples.variant("exp-1", "control", 600, 540, 80, 20, 0.002, 100, 3),
                ReportSamples.variant("exp-1", "concise", 300, 285, 45, 5, 0.001, 80, 3),
                ReportSamples.variant("exp-1", "top10", 100, 90, 0, 0, 0.004, 150, 3)));

        ExperimentReport report = ReportBuilder.build(Samples.NOW, EXPERIMENT, null, StatsSource.Result.of(stats));

        assertThat(report.warnings()).isEmpty();
        assertThat(report.variants()).extracting(VariantSummary::variant)
                .containsExactly("control", "concise", "top10");
        VariantSummary control = report.variants().getFirst();
        assertThat(control.control()).isTrue();
        assertThat(control.configuredShare()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(control.observedShare()).isCloseTo(0.6, within(1e-9));
        assertThat(control.successRate().rate()).isCloseTo(0.9, within(1e-9));
        assertThat(control.successRate().low()).isEqualTo(Wilson.rate95(540, 600).low());
        assertThat(control.positiveFeedbackRate().rate()).isCloseTo(0.8, within(1e-9));
        assertThat(control.positiveFeedbackRate().trials()).isEqualTo(100);
        assertThat(control.costPerRequestUsd()).isEqualTo(0.002);
        // oldest window first, whatever order the aggregator lists them in
        assertThat(control.latency()).extracting(ExperimentReport.LatencyWindow::p50).containsExactly(100.0, 110.0,
                120.0);
        assertThat(control.latency().getFirst().windowStart()).isEqualTo(ReportSamples.FIRST_WINDOW);
        VariantSummary top10 = report.variants().get(2);
        assertThat(top10.positiveFeedbackRate()).as("no feedback, no rate").isNull();
        assertThat(top10.observedShare()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void withoutStatisticsEveryArmIsListedWithoutFiguresAndTheWarningIsKept() {
        ExperimentReport report = ReportBuilder.build(Samples.NOW, EXPERIMENT, null,
                StatsSource.Result.missing("the metrics aggregator is unreachable"));

        assertThat(report.stats()).isNull();
        assertThat(report.warnings()).containsExactly("the metrics aggregator is unreachable");
        assertThat(report.variants()).hasSize(3).allSatisfy(v -> {
            assertThat(v.successRate()).isNull();
            assertThat(v.observedShare()).isNull();
            assertThat(v.costPerRequestUsd()).isNull();
            assertThat(v.latency()).isEmpty();
        });
    }

    @Test
    void aVariantTheExperimentDoesNotDefineIsShownWithAWarning() {
        AggregatorStats stats = new AggregatorStats("exp-1", List.of(
                ReportSamples.variant("exp-1", "control", 100, 90, 0, 0, 0.002, 100, 1),
                ReportSamples.variant("exp-1", "ghost", 100, 90, 0, 0, 0.002, 100, 1)));

        ExperimentReport report = ReportBuilder.build(Samples.NOW, EXPERIMENT, null, StatsSource.Result.of(stats));

        assertThat(report.variants()).extracting(VariantSummary::variant).containsExactly("control", "concise",
                "top10", "ghost");
        assertThat(report.variants().getFirst().observedShare()).isEqualTo(0.5);
        assertThat(report.warnings()).singleElement().asString().contains("ghost");
    }
}
