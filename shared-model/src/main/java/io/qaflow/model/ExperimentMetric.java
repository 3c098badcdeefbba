package io.qaflow.model;

/**
 * The metrics an experiment is judged on. Each has a direction: for {@link #higherIsBetter()} metrics a positive
 * treatment-minus-control difference is an improvement, for the others it is a worsening.
 */
public enum ExperimentMetric {
    /** answered / requests */
    SUCCESS_RATE(true, true),
    /** degraded (fallback) answers / requests */
    DEGRADED_RATE(false, true),
    /** mean total latency of answered requests, milliseconds */
    MEAN_LATENCY(false, false),
    /** 95th percentile of the total latency of answered requests, milliseconds */
    P95_LATENCY(false, false),
    /** mean cost in USD over all requests (a failure costs 0) */
    COST_PER_REQUEST(false, false),
    /** up / (up + down) feedback */
    POSITIVE_FEEDBACK_RATE(true, true);

    private final boolean higherIsBetter;
    private final boolean rate;

    ExperimentMetric(boolean higherIsBetter, boolean rate) {
        this.higherIsBetter = higherIsBetter;
        this.rate = rate;
    }

    /** Whether the metric is a share of trials in [0, 1] (compared by a two-proportion test). */
    public boolean isRate() {
        return rate;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
