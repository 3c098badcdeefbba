package io.qaflow.metrics.verdict;

import static io.qaflow.metrics.verdict.Arms.NOW;
import static io.qaflow.metrics.verdict.Arms.arms;
import static io.qaflow.metrics.verdict.Arms.experiment;
import static io.qaflow.metrics.verdict.Arms.successes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.metrics.stats.MixtureSprt;
import io.qaflow.metrics.stats.ProportionSummary;
import io.qaflow.metrics.stats.SequentialResult;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The always-valid state across looks: running minimum, running intersection, fixed tau^2, restart. */
class SequentialLooksTest {

    private final VerdictCalculator calculator = new VerdictCalculator();
    private final ExperimentState experiment = experiment(ExperimentMetric.SUCCESS_RATE, List.of());

    // look 1: a strong early lift (0.80 -> 0.86); look 2: the lift has faded (0.80 -> 0.81) on more data
    private final ExperimentVerdict first = calculator.compute(experiment,
            arms(successes("control", 1_000, 800), successes("treatment", 1_000, 860)), null, NOW);

    private static MetricVerdict success(ExperimentVerdict verdict) {
        return verdict.treatment("treatment").metric(ExperimentMetric.SUCCESS_RATE);
    }

    @Test
    void thePValueIsTheRunningMinimumAndTheSequenceTheRunningIntersectionOverLooks() {
        ExperimentVerdict second = calculator.compute(experiment,
                arms(successes("control", 3_000, 2_400), successes("treatment", 3_000, 2_430)), first, NOW);

        // the same two looks through MixtureSprt, which keeps the state itself
        MixtureSprt reference = new MixtureSprt(0.04 * 0.04, 0.05);
        SequentialResult look1 = reference.observe(new ProportionSummary(1_000, 800), new ProportionSummary(1_000, 860));
        SequentialResult look2 = reference.observe(new ProportionSummary(3_000, 2_400),
                new ProportionSummary(3_000, 2_430));
        double secondLookAlone = Math.exp(-MixtureSprt.logLikelihoodRatio(0.01,
                0.16 / 3_000 + 0.81 * 0.19 / 3_000, 0.0016));

        assertThat(success(first).sequentialPValue()).isCloseTo(look1.pValue(), within(1e-15));
        assertThat(success(second).sequentialPValue()).isCloseTo(look2.pValue(), within(1e-15))
                .isEqualTo(success(first).sequentialPValue())
                .isLessThan(secondLookAlone);
        assertThat(success(second).confidenceSequence().lower())
                .isCloseTo(look2.confidenceSequence().lower(), within(1e-15));
        assertThat(success(second).confidenceSequence().upper())
                .isCloseTo(look2.confidenceSequence().upper(), within(1e-15))
                .isLessThan(success(first).confidenceSequence().upper());
        assertThat(success(second).confidenceSequence().lower())
                .isEqualTo(success(first).confidenceSequence().lower());
    }

    @Test
    void tauSquaredIsFixedAtTheFirstLookAndCarriedForward() {
        // the control's rate drops from 0.80 to 0.70: tau^2 would be (0.05 * 0.7)^2 if recomputed
        ExperimentVerdict second = calculator.compute(experiment,
                arms(successes("control", 3_000, 2_100), successes("treatment", 3_000, 2_160)), first, NOW);

        assertThat(success(first).mixingVariance()).isCloseTo(0.0016, within(1e-15));
        assertThat(success(second).mixingVariance()).isEqualTo(success(first).mixingVariance());
        double lookP = Math.exp(-MixtureSprt.logLikelihoodRatio(0.02, 0.21 / 3_000 + 0.72 * 0.28 / 3_000, 0.0016));
        assertThat(success(second).sequentialPValue())
                .isCloseTo(Math.min(success(first).sequentialPValue(), lookP), within(1e-15));
    }

    @Test
    void aNewStartOrAnotherExperimentRestartsTheSequentialState() {
        var restarted = ExperimentState.of("exp", experiment.variants(), "control", ExperimentState.Status.RUNNING,
                Arms.STARTED.plusSeconds(60), ExperimentMetric.SUCCESS_RATE, 0.05, List.of(), NOW);
        var secondArms = arms(successes("control", 3_000, 2_100), successes("treatment", 3_000, 2_160));

        ExperimentVerdict afterRestart = calculator.compute(restarted, secondArms, first, NOW);
        ExperimentVerdict fresh = calculator.compute(restarted, secondArms, null, NOW);

        assertThat(success(afterRestart)).isEqualTo(success(fresh));
        assertThat(success(afterRestart).mixingVariance()).isCloseTo(0.035 * 0.035, within(1e-15));
        assertThat(success(afterRestart).sequentialPValue()).isGreaterThan(success(first).sequentialPValue());
    }

    @Test
    void looksBelowTheMinimumPerArmCarryTheStateForwardUntouched() {
        ExperimentVerdict early = calculator.compute(experiment,
                arms(successes("control", 60, 48), successes("treatment", 60, 59)), null, NOW);

        assertThat(success(early).pValue()).isNotNull();
        assertThat(success(early).sequentialPValue()).isNull();
        assertThat(success(early).confidenceSequence()).isNull();
        assertThat(success(early).mixingVariance()).isNull();
    }
}
