package io.qaflow.metrics.stats;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.TTest;

/**
 * Fixed-horizon comparisons of a treatment arm with a control arm, computed from summaries. Valid when looked at
 * once, at a sample size fixed in advance; for continuous monitoring use {@link MixtureSprt}.
 */
public final class Comparison {

    static final double CONFIDENCE = 0.95;
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);
    private static final TTest WELCH = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC);

    private Comparison() {
    }

    /** Welch's t test (Commons Statistics {@link TTest}) plus the matching 95% interval of the difference. */
    public static MeanComparison welch(MeanSummary control, MeanSummary treatment) {
        TTest.Result result = WELCH.test(treatment.mean(), treatment.variance(), treatment.count(),
                control.mean(), control.variance(), control.count());
        double difference = treatment.mean() - control.mean();
        double standardError = Math.sqrt(control.variance() / control.count()
                + treatment.variance() / treatment.count());
        double df = result.getDegreesOfFreedom();
        double quantile = TDistribution.of(df).inverseSurvivalProbability((1 - CONFIDENCE) / 2);
        return new MeanComparison(difference, relative(difference, control.mean()), result.getStatistic(), df,
                result.getPValue(), Interval.around(difference, quantile * standardError));
    }

    /**
     * Two-proportion z test: z uses the pooled rate (the variance under "no difference"); the 95% interval uses the
     * unpooled standard error sqrt(p1(1-p1)/n1 + p2(1-p2)/n2), as the interval is not computed under the null.
     */
    public static ProportionComparison twoProportions(ProportionSummary control, ProportionSummary treatment) {
        double difference = treatment.rate() - control.rate();
        double pooled = (double) (control.successes() + treatment.successes()) / (control.trials() + treatment.trials());
        double pooledError = Math.sqrt(pooled * (1 - pooled) * (1.0 / control.trials() + 1.0 / treatment.trials()));
        double z = pooledError == 0 ? 0 : difference / pooledError;
        double pValue = Math.min(1, 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z)));
        double unpooledError = Math.sqrt(control.bernoulliVariance() / control.trials()
                + treatment.bernoulliVariance() / treatment.trials());
        return new ProportionComparison(difference, relative(difference, control.rate()), z, pValue,
                Interval.around(difference, normalQuantile() * unpooledError));
    }

    /**
     * Sample-ratio mismatch: p-value of Pearson's chi-square goodness-of-fit test of the observed counts per variant
     * against the configured allocation weights (any positive scale; they are normalised to the observed total).
     * A tiny p-value (e.g. below 0.001) means assignment or logging is broken and the comparison is not trustworthy.
     */
    public static double sampleRatioMismatchPValue(long[] observed, double[] weights) {
        if (observed.length != weights.length || observed.length < 2) {
            throw new IllegalArgumentException("need one weight per observed count, at least two");
        }
        long total = 0;
        double weightSum = 0;
        for (int i = 0; i < observed.length; i++) {
            total += observed[i];
            weightSum += weights[i];
        }
        if (total == 0) {
            return 1;
        }
        double[] expected = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            expected[i] = total * weights[i] / weightSum;
        }
        return ChiSquareTest.withDefaults().test(expected, observed).getPValue();
    }

    static double normalQuantile() {
        return STANDARD_NORMAL.inverseSurvivalProbability((1 - CONFIDENCE) / 2);
    }

    private static double relative(double difference, double baseline) {
        return baseline == 0 ? Double.NaN : difference / baseline;
    }
}
