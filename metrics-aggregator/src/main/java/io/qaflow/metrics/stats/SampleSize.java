package io.qaflow.metrics.stats;

import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Observations per arm needed by a two-sided fixed-horizon test at alpha 0.05 to detect a minimum effect with 80%
 * power, equal allocation, normal approximation: n = (z_{1-alpha/2} + z_{power})^2 * (variance sum) / effect^2.
 */
public final class SampleSize {

    public static final double ALPHA = 0.05;
    public static final double POWER = 0.8;
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private SampleSize() {
    }

    /**
     * For a success rate: variance sum p(1-p) + q(1-q) with q = baseline + effect (unpooled form).
     *
     * @param baselineRate            control success rate, in (0, 1)
     * @param minimumDetectableEffect absolute difference of rates, non-zero, baseline + effect in (0, 1)
     */
    public static long perArmForProportions(double baselineRate, double minimumDetectableEffect) {
        double treatmentRate = baselineRate + minimumDetectableEffect;
        if (!(baselineRate > 0 && baselineRate < 1 && treatmentRate > 0 && treatmentRate < 1)
                || minimumDetectableEffect == 0) {
            throw new IllegalArgumentException("rates must lie in (0, 1) and differ");
        }
        return perArm(baselineRate * (1 - baselineRate) + treatmentRate * (1 - treatmentRate), minimumDetectableEffect);
    }

    /** For a mean with the same standard deviation in both arms: variance sum 2 sd^2. */
    public static long perArmForMeans(double standardDeviation, double minimumDetectableEffect) {
        if (!(standardDeviation > 0) || minimumDetectableEffect == 0) {
            throw new IllegalArgumentException("need sd > 0 and a non-zero effect");
        }
        return perArm(2 * standardDeviation * standardDeviation, minimumDetectableEffect);
    }

    /** How many more observations each arm still needs, given the smaller arm's current count. */
    public static long remainingPerArm(long requiredPerArm, long smallerArmCount) {
        return Math.max(0, requiredPerArm - smallerArmCount);
    }

    static double multiplier() {
        double sum = STANDARD_NORMAL.inverseSurvivalProbability(ALPHA / 2)
                + STANDARD_NORMAL.inverseCumulativeProbability(POWER);
        return sum * sum;
    }

    private static long perArm(double varianceSum, double effect) {
        return (long) Math.ceil(multiplier() * varianceSum / (effect * effect));
    }
}
