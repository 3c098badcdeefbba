package io.qaflow.metrics.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class MixtureSprtTest {

    @Test
    void pValueNeverRisesAndTheSequenceOnlyShrinksAndExcludesZeroExactlyWhenRejected() {
        SplittableRandom random = new SplittableRandom(7);
        MixtureSprt sprt = new MixtureSprt(0.0064, 0.05);
        long control = 0;
        long treatment = 0;
        double previousP = 1;
        Interval previous = Interval.UNBOUNDED;
        boolean everRejected = false;
        for (int n = 1; n <= 5000; n++) {
            control += random.nextDouble() < 0.80 ? 1 : 0;
            treatment += random.nextDouble() < 0.84 ? 1 : 0;
            if (n % 50 != 0) {
                continue;
            }
            SequentialResult look = sprt.observe(new ProportionSummary(n, control), new ProportionSummary(n, treatment));
            assertThat(look.pValue()).isLessThanOrEqualTo(previousP).isBetween(0.0, 1.0);
            assertThat(look.confidenceSequence().lower()).isGreaterThanOrEqualTo(previous.lower());
            assertThat(look.confidenceSequence().upper()).isLessThanOrEqualTo(previous.upper());
            assertThat(look.rejected()).isEqualTo(!look.confidenceSequence().contains(0));
            assertThat(everRejected && !look.rejected()).as("rejection is final").isFalse();
            everRejected = look.rejected();
            previousP = look.pValue();
            previous = look.confidenceSequence();
        }
        assertThat(everRejected).as("a 4-point lift at 5000 per arm").isTrue();
        assertThat(previous.contains(0.04)).isTrue();
    }

    @Test
    void noDifferenceGivesNoEvidenceAndNoVarianceGivesNone() {
        assertThat(MixtureSprt.logLikelihoodRatio(0, 1e-4, 0.01)).isNegative();
        assertThat(MixtureSprt.logLikelihoodRatio(0.05, 0, 0.01)).isZero();
        MixtureSprt sprt = new MixtureSprt(0.01, 0.05);
        SequentialResult look = sprt.observe(new ProportionSummary(100, 100), new ProportionSummary(100, 100));
        assertThat(look.pValue()).isEqualTo(1);
        assertThat(look.confidenceSequence()).isEqualTo(Interval.UNBOUNDED);
    }

    @Test
    void sequenceIsWiderThanTheFixedHorizonInterval() {
        MeanSummary control = new MeanSummary(2000, 1.0, 0.25);
        MeanSummary treatment = new MeanSummary(2000, 1.03, 0.25);
        Interval fixed = Comparison.welch(control, treatment).confidenceInterval();
        Interval sequence = new MixtureSprt(0.01, 0.05).observe(control, treatment).confidenceSequence();
        assertThat(sequence.upper() - sequence.lower()).isGreaterThan(fixed.upper() - fixed.lower());
    }
}
