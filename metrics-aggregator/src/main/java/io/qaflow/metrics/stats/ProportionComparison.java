package io.qaflow.metrics.stats;

/**
 * Two-proportion z test of treatment minus control.
 *
 * @param difference         treatment rate minus control rate (absolute effect)
 * @param relativeDifference difference divided by the control rate (NaN when the control rate is 0)
 * @param z                  z statistic with the pooled standard error (the null hypothesis' one)
 * @param pValue             two-sided, from z
 * @param confidenceInterval 95% Wald interval of the difference with the unpooled standard error
 */
public record ProportionComparison(double difference, double relativeDifference, double z, double pValue,
                                   Interval confidenceInterval) {
}
