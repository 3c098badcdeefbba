package io.qaflow.metrics.verdict;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;

/**
 * Cumulative figures of one experiment variant since the experiment started: the input of the verdict.
 * {@code requests = answered + failed}; latency figures cover answered requests only; cost figures cover all
 * requests (a failure costs 0). Variances are sample variances (n - 1 denominator).
 *
 * @param totalLatency DDSketch of the total latency in milliseconds of answered requests; may be empty, never
 *     null (null reads as an empty sketch)
 */
public record ArmSummary(String variant, long requests, long answered, long failed, long degraded, long feedbackUp,
                         long feedbackDown, long latencyCount, double latencyMean, double latencyVariance,
                         DDSketch totalLatency, long costCount, double costMean, double costVariance) {

    /** Relative accuracy and bin limit of the empty sketch used for arms without latencies. */
    private static final double EMPTY_SKETCH_ACCURACY = 0.01;
    private static final int EMPTY_SKETCH_BINS = 2048;

    public ArmSummary {
        if (variant == null || variant.isBlank()) {
            throw new IllegalArgumentException("variant must not be blank");
        }
        for (long count : new long[] {requests, answered, failed, degraded, feedbackUp, feedbackDown, latencyCount,
                costCount}) {
            if (count < 0) {
                throw new IllegalArgumentException(variant + ": counts must not be negative");
            }
        }
        for (double value : new double[] {latencyMean, latencyVariance, costMean, costVariance}) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException(variant + ": means and variances must be finite");
            }
        }
        if (latencyVariance < 0 || costVariance < 0) {
            throw new IllegalArgumentException(variant + ": variances must not be negative");
        }
        if (totalLatency == null) {
            totalLatency = emptySketch();
        }
    }

    /** A variant that has seen no request yet. */
    public static ArmSummary empty(String variant) {
        return new ArmSummary(variant, 0, 0, 0, 0, 0, 0, 0, 0, 0, emptySketch(), 0, 0, 0);
    }

    public long feedbackGiven() {
        return feedbackUp + feedbackDown;
    }

    private static DDSketch emptySketch() {
        return DDSketches.logarithmicCollapsingLowestDense(EMPTY_SKETCH_ACCURACY, EMPTY_SKETCH_BINS);
    }
}
