package io.qaflow.metrics.stats;

/**
 * Welch's unequal-variance t test of treatment minus control.
 *
 * @param difference         treatment mean minus control mean (absolute effect)
 * @param relativeDifference difference divided by the control mean (NaN when the control mean is 0)
 * @param t                  Welch t statistic
 * @param degreesOfFreedom   Welch–Satterthwaite degrees of freedom
 * @param pValue             two-sided
 * @param confidenceInterval 95% interval of the difference, t quantile at the Welch degrees of freedom
 */
public record MeanComparison(double difference, double relativeDifference, double t, double degreesOfFreedom,
                             double pValue, Interval confidenceInterval) {
}
