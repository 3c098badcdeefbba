package io.qaflow.metrics.verdict;

import static io.qaflow.metrics.verdict.Arms.NOW;
import static io.qaflow.metrics.verdict.Arms.arms;
import static io.qaflow.metrics.verdict.Arms.experiment;
import static io.qaflow.metrics.verdict.Arms.successes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.metrics.stats.Comparison;
import io.qaflow.metrics.stats.PValueAdjustment;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState.Guardrail;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import io.qaflow.model.ExperimentVerdict.TreatmentVerdict;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class VerdictCalculatorTest {

    private final VerdictCalculator calculator = new VerdictCalculator(VerdictSettings.defaults());

    private TreatmentVerdict verdictOn(ExperimentMetric primary, List<Guardrail> guardrails, ArmSummary control,
                                       ArmSummary treatment) {
        return calculator.compute(experiment(primary, guardrails), arms(control, treatment), null, NOW)
                .treatment("treatment");
    }

    @Test
    void aLopsidedSplitOfAFiftyFiftyExperimentIsASampleRatioMismatch() {
        ExperimentVerdict verdict = calculator.compute(experiment(ExperimentMetric.SUCCESS_RATE, List.of()),
                arms(successes("control", 5_600, 4_480), successes("treatment", 5_000, 4_600)), null, NOW);

        assertThat(verdict.srmPValue()).isCloseTo(
                Comparison.sampleRatioMismatchPValue(new long[] {5_600, 5_000}, new double[] {1, 1}), within(1e-15))
                .isLessThan(0.001);
        assertThat(verdict.observedRequests()).containsEntry("control", 5_600L).containsEntry("treatment", 5_000L);
        assertThat(verdict.expectedAllocation()).containsEntry("control", 0.5).containsEntry("treatment", 0.5);
        TreatmentVerdict treatment = verdict.treatment("treatment");
        assertThat(treatment.decision()).isEqualTo(Decision.SRM_ALERT);
        assertThat(treatment.reason()).contains("5600", "5000", "50.0%", "< 0.001");
    }

    @Test
    void aBanditExperimentsSplitIsNotCheckedForMismatchSinceItsWeightsMove() {
        var fixed = experiment(ExperimentMetric.SUCCESS_RATE, List.of());
        var bandit = new io.qaflow.model.ExperimentState(fixed.schemaVersion(), fixed.eventId(), fixed.occurredAt(),
                fixed.experimentId(), fixed.variants(), fixed.controlVariant(), fixed.status(), fixed.startedAt(),
                fixed.primaryMetric(), fixed.minimumDetectableEffect(), fixed.guardrails(),
                new io.qaflow.model.ExperimentState.Lifecycle("Bandit", 0, null, false, "BANDIT", 0.05, null, null, List.of()));
        ExperimentVerdict verdict = calculator.compute(bandit,
                arms(successes("control", 1_000, 800), successes("treatment", 9_000, 8_100)), null, NOW);

        assertThat(verdict.srmPValue()).isNull();
        assertThat(verdict.treatment("treatment").decision()).isEqualTo(Decision.TREATMENT_BETTER);
    }

    @Test
    void aSmallImbalanceIsNoMismatch() {
        TreatmentVerdict treatment = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(),
                successes("control", 5_050, 4_040), successes("treatment", 4_950, 4_554));

        assertThat(treatment.decision()).isEqualTo(Decision.TREATMENT_BETTER);
    }

    @Test
    void aSignificantWorseningBeyondTheGuardrailIsABreachEvenWhenThePrimaryMetricImproves() {
        var control = Arms.withDegraded(successes("control", 5_000, 4_000), 500);
        var treatment = Arms.withDegraded(successes("treatment", 5_000, 4_300), 800);
        var guardrail = new Guardrail(ExperimentMetric.DEGRADED_RATE, 0.02, false);

        TreatmentVerdict breached = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(guardrail), control, treatment);

        assertThat(breached.decision()).isEqualTo(Decision.GUARDRAIL_BREACH);
        MetricVerdict degraded = breached.metric(ExperimentMetric.DEGRADED_RATE);
        assertThat(degraded.guardrailBreached()).isTrue();
        assertThat(degraded.guardrailThreshold()).isEqualTo(0.02);
        assertThat(breached.reason()).contains("degraded rate", "0.1600", "0.1000", "+0.0600", "tolerated 0.0200");

        // the same data with a tolerance above the observed worsening of 6 points: the primary metric decides
        TreatmentVerdict tolerated = verdictOn(ExperimentMetric.SUCCESS_RATE,
                List.of(new Guardrail(ExperimentMetric.DEGRADED_RATE, 0.08, false)), control, treatment);
        assertThat(tolerated.decision()).isEqualTo(Decision.TREATMENT_BETTER);
        assertThat(tolerated.metric(ExperimentMetric.DEGRADED_RATE).guardrailBreached()).isFalse();
        // a relative tolerance of 50% of the control's 10% is 5 points: breached
        TreatmentVerdict relative = verdictOn(ExperimentMetric.SUCCESS_RATE,
                List.of(new Guardrail(ExperimentMetric.DEGRADED_RATE, 0.5, true)), control, treatment);
        assertThat(relative.decision()).isEqualTo(Decision.GUARDRAIL_BREACH);
        assertThat(relative.metric(ExperimentMetric.DEGRADED_RATE).guardrailThreshold()).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void aGuardrailOnARateThatControlNeverShowsIsStillWatched() {
        // a failing LLM turns 30% of the treatment's answers into degraded fallbacks; control has none: tau is
        // scaled to the guardrail's threshold, as mde x a control rate of 0 would leave it undefined
        var control = Arms.withDegraded(successes("control", 200, 200), 0);
        var treatment = Arms.withDegraded(successes("treatment", 200, 200), 60);
        var guardrail = new Guardrail(ExperimentMetric.DEGRADED_RATE, 0.05, false);

        TreatmentVerdict verdict = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(guardrail), control, treatment);

        assertThat(verdict.decision()).isEqualTo(Decision.GUARDRAIL_BREACH);
        assertThat(verdict.metric(ExperimentMetric.DEGRADED_RATE).mixingVariance()).isCloseTo(0.0025, within(1e-15));
        // without a guardrail the one-point floor of rates still scales tau
        TreatmentVerdict unguarded = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(), control, treatment);
        assertThat(unguarded.metric(ExperimentMetric.DEGRADED_RATE).mixingVariance())
                .isCloseTo(VerdictCalculator.RATE_SCALE_FLOOR * VerdictCalculator.RATE_SCALE_FLOOR, within(1e-15));
    }

    @Test
    void anImprovementOnAGuardrailMetricIsNoBreach() {
        var control = Arms.withDegraded(successes("control", 5_000, 4_000), 800);
        var treatment = Arms.withDegraded(successes("treatment", 5_000, 4_000), 500);

        TreatmentVerdict verdict = verdictOn(ExperimentMetric.SUCCESS_RATE,
                List.of(new Guardrail(ExperimentMetric.DEGRADED_RATE, 0, false)), control, treatment);

        assertThat(verdict.metric(ExperimentMetric.DEGRADED_RATE).adjustedSequentialPValue()).isLessThan(0.05);
        assertThat(verdict.decision()).isNotEqualTo(Decision.GUARDRAIL_BREACH);
    }

    @Test
    void fewerThanTheMinimumPerArmIsInsufficientDataWhateverTheDifference() {
        TreatmentVerdict verdict = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(),
                successes("control", 99, 10), successes("treatment", 99, 99));

        assertThat(verdict.decision()).isEqualTo(Decision.INSUFFICIENT_DATA);
        assertThat(verdict.reason()).contains("99 control and 99 treatment", "minimum of 100");
        assertThat(verdict.metric(ExperimentMetric.SUCCESS_RATE).pValue()).isLessThan(1e-10);
    }

    @Test
    void aSignificantDifferenceOnThePrimaryMetricDecidesByItsDirection() {
        TreatmentVerdict better = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(),
                successes("control", 5_000, 4_000), successes("treatment", 5_000, 4_300));
        TreatmentVerdict worse = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(),
                successes("control", 5_000, 4_000), successes("treatment", 5_000, 3_700));

        assertThat(better.decision()).isEqualTo(Decision.TREATMENT_BETTER);
        assertThat(better.reason()).contains("success rate 0.8600 against 0.8000", "+0.0600", "+7.5%", "< 0.05");
        assertThat(worse.decision()).isEqualTo(Decision.TREATMENT_WORSE);
    }

    @Test
    void lowerIsBetterForLatency() {
        var control = Arms.full("control", 3_000, 0.9, 1_000, 0.002, 0, 0, 1);
        var faster = Arms.full("treatment", 3_000, 0.9, 800, 0.002, 0, 0, 2);
        var slower = Arms.full("treatment", 3_000, 0.9, 1_250, 0.002, 0, 0, 3);

        assertThat(verdictOn(ExperimentMetric.MEAN_LATENCY, List.of(), control, faster).decision())
                .isEqualTo(Decision.TREATMENT_BETTER);
        assertThat(verdictOn(ExperimentMetric.P95_LATENCY, List.of(), control, faster).decision())
                .isEqualTo(Decision.TREATMENT_BETTER);
        assertThat(verdictOn(ExperimentMetric.MEAN_LATENCY, List.of(), control, slower).decision())
                .isEqualTo(Decision.TREATMENT_WORSE);
        TreatmentVerdict p95 = verdictOn(ExperimentMetric.P95_LATENCY,
                List.of(new Guardrail(ExperimentMetric.P95_LATENCY, 0.1, true)), control, slower);
        assertThat(p95.decision()).isEqualTo(Decision.GUARDRAIL_BREACH);
        assertThat(p95.reason()).contains("p95 latency", "ms");
    }

    @Test
    void noSignificantDifferenceAtTheRequiredSampleSizeIsNoDifference() {
        TreatmentVerdict verdict = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(),
                successes("control", 20_000, 16_000), successes("treatment", 20_000, 16_020));

        MetricVerdict success = verdict.metric(ExperimentMetric.SUCCESS_RATE);
        assertThat(success.remainingSampleSizePerArm()).isZero();
        assertThat(verdict.decision()).isEqualTo(Decision.NO_DIFFERENCE);
        assertThat(verdict.reason()).contains("20000 per arm", "5% effect");
    }

    @Test
    void noSignificantDifferenceBeforeTheRequiredSampleSizeIsInsufficientData() {
        TreatmentVerdict verdict = verdictOn(ExperimentMetric.SUCCESS_RATE, List.of(),
                successes("control", 500, 400), successes("treatment", 500, 402));

        MetricVerdict success = verdict.metric(ExperimentMetric.SUCCESS_RATE);
        // (1.95996 + 0.84162)^2 (0.8 * 0.2 + 0.84 * 0.16) / 0.04^2 = 1444.2 -> 1445 per arm, 500 there
        assertThat(success.remainingSampleSizePerArm()).isEqualTo(945);
        assertThat(verdict.decision()).isEqualTo(Decision.INSUFFICIENT_DATA);
        assertThat(verdict.reason()).contains("945 more per arm");
    }

    @Test
    void holmAdjustsAcrossEveryTreatmentAndMetric() {
        var experiment = experiment(ExperimentMetric.SUCCESS_RATE, List.of(), Arms.STARTED, "a", "b");
        ExperimentVerdict verdict = calculator.compute(experiment, arms(
                Arms.full("control", 4_000, 0.80, 1_000, 0.002, 300, 100, 11),
                Arms.full("a", 4_000, 0.83, 1_000, 0.002, 300, 100, 12),
                Arms.full("b", 4_000, 0.80, 1_100, 0.0021, 330, 70, 13)), null, NOW);

        List<MetricVerdict> all = verdict.treatments().stream().flatMap(t -> t.metrics().stream()).toList();
        assertThat(all).hasSize(12).allSatisfy(m -> assertThat(m.pValue()).isNotNull());
        double[] raw = all.stream().mapToDouble(MetricVerdict::pValue).toArray();
        double[] holm = PValueAdjustment.holm(raw);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).adjustedPValue()).isEqualTo(holm[i]);
        }
        double smallest = all.stream().mapToDouble(MetricVerdict::pValue).min().orElseThrow();
        assertThat(all).anySatisfy(m -> assertThat(m.adjustedPValue()).isEqualTo(Math.min(1, 12 * smallest)));

        List<MetricVerdict> sequential = all.stream().filter(m -> m.sequentialPValue() != null).toList();
        assertThat(sequential).hasSizeGreaterThan(6);
        double[] holmSequential = PValueAdjustment.holm(
                sequential.stream().mapToDouble(MetricVerdict::sequentialPValue).toArray());
        for (int i = 0; i < sequential.size(); i++) {
            assertThat(sequential.get(i).adjustedSequentialPValue()).isEqualTo(holmSequential[i]);
        }
    }

    @Test
    void aVariantWithoutDataCountsAsEmptyAndUndefinedFiguresAreNull() {
        ExperimentVerdict verdict = calculator.compute(experiment(ExperimentMetric.SUCCESS_RATE, List.of()),
                arms(successes("control", 300, 240)), null, NOW);

        TreatmentVerdict treatment = verdict.treatment("treatment");
        assertThat(verdict.observedRequests()).containsEntry("treatment", 0L);
        assertThat(treatment.decision()).isEqualTo(Decision.SRM_ALERT);
        assertThat(treatment.metrics()).extracting(MetricVerdict::metric).containsExactly(ExperimentMetric.values());
        assertThat(treatment.metrics()).allSatisfy(m -> {
            assertThat(m.treatmentValue()).isNull();
            assertThat(m.absoluteEffect()).isNull();
            assertThat(m.pValue()).isNull();
            assertThat(m.sequentialPValue()).isNull();
            assertThat(m.confidenceSequence()).isNull();
            assertThat(m.mixingVariance()).isNull();
        });
        assertThat(treatment.metric(ExperimentMetric.SUCCESS_RATE).controlValue()).isEqualTo(0.8);
        assertThat(treatment.metrics().stream().map(MetricVerdict::adjustedPValue).filter(Objects::nonNull)).isEmpty();
    }
}
