package io.qaflow.metrics.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.statistics.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    @Test
    void pooledZSquaredIsThePearsonChiSquareOfTheTwoByTwoTable() {
        ProportionComparison result = Comparison.twoProportions(new ProportionSummary(1000, 800),
                new ProportionSummary(1000, 830));
        double chiSquare = ChiSquareTest.withDefaults().statistic(new long[][] {{800, 200}, {830, 170}});
        assertThat(result.z() * result.z()).isCloseTo(chiSquare, within(1e-9));
        assertThat(result.difference()).isCloseTo(0.03, within(1e-12));
        assertThat(result.relativeDifference()).isCloseTo(0.0375, within(1e-12));
        assertThat(result.pValue()).isCloseTo(0.0840611097, within(1e-9)); // scipy chi2_contingency
    }

    @Test
    void welchEffectsAreTreatmentMinusControl() {
        MeanComparison result = Comparison.welch(new MeanSummary(50, 10, 4), new MeanSummary(60, 9, 9));
        assertThat(result.difference()).isEqualTo(-1);
        assertThat(result.relativeDifference()).isCloseTo(-0.1, within(1e-12));
        assertThat(result.t()).isNegative();
        assertThat(result.confidenceInterval().contains(-1)).isTrue();
    }

    @Test
    void balancedAllocationHasNoMismatchAndASkewedOneIsFlagged() {
        assertThat(Comparison.sampleRatioMismatchPValue(new long[] {5000, 5000}, new double[] {1, 1})).isEqualTo(1);
        assertThat(Comparison.sampleRatioMismatchPValue(new long[] {5000, 5200}, new double[] {50, 50}))
                .isLessThan(0.05);
        assertThat(Comparison.sampleRatioMismatchPValue(new long[] {9000, 1000}, new double[] {0.9, 0.1}))
                .isEqualTo(1);
        assertThatThrownBy(() -> Comparison.sampleRatioMismatchPValue(new long[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sampleSizeForTheTextbookCase() {
        // 10% -> 12%: (1.959964 + 0.841621)^2 * (0.09 + 0.1056) / 0.02^2 = 3838.3
        assertThat(SampleSize.perArmForProportions(0.10, 0.02)).isEqualTo(3839);
        // two-sample means, effect of half a standard deviation: 2 * 7.849 / 0.25 = 62.8
        assertThat(SampleSize.perArmForMeans(1, 0.5)).isEqualTo(63);
        assertThat(SampleSize.remainingPerArm(3839, 1000)).isEqualTo(2839);
        assertThat(SampleSize.remainingPerArm(3839, 5000)).isZero();
    }

    @Test
    void adjustmentsOnAHandWorkedExample() {
        double[] p = {0.01, 0.04, 0.03, 0.005};
        assertThat(PValueAdjustment.holm(p)).containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-12));
        assertThat(PValueAdjustment.benjaminiHochberg(p))
                .containsExactly(new double[] {0.02, 0.04, 0.04, 0.02}, within(1e-12));
    }
}
