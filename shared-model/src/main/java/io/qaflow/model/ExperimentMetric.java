package io.qaflow.model;

/**
 * The metrics an experiment is judged on. Each has a direction: for {@link #higherIsBetter()} metrics a positive
 * treatment-minus-control difference is an improvement, for the others it is a worsening.
 */
public enum ExperimentMetric {
    /** answered / requests */
    SUCCESS_RATE(true),
    /** degraded (fallback) answers / requests */
    DEGRADED_RATE(false),
    /** mean total latency of answered requests, milliseconds */
    MEAN_LATENCY(false),
    /** 95th percentile of the total latency of answered requests, milliseconds */
    P95_LATENCY(false),
    /** mean cost in USD over all requests (a failure costs 0) */
    COST_PER_REQUEST(false),
    /** up / (up + down) feedback */
    POSITIVE_FEEDBACK_RATE(true);

    private final boolean higherIsBetter;

    ExperimentMetric(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
