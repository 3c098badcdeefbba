package io.qaflow.metrics.stats;

/**
 * The always-valid state after one look.
 *
 * @param difference         current estimate, treatment minus control
 * @param likelihoodRatio    mixture likelihood ratio Lambda_n at this look (may be +Infinity)
 * @param pValue             always-valid p-value: running minimum over looks of min(1, 1/Lambda_n)
 * @param confidenceSequence running intersection of the (1 - alpha) confidence sequence intervals
 * @param rejected           whether pValue has reached alpha (then "no difference" is rejected for good)
 */
public record SequentialResult(double difference, double likelihoodRatio, double pValue, Interval confidenceSequence,
                               boolean rejected) {
}
