package io.qaflow.metrics.verdict;

/**
 * @param alpha significance level of every (adjusted) test and of the confidence sequences
 * @param srmThreshold sample-ratio-mismatch p-value below which every treatment gets SRM_ALERT
 * @param minimumPerArm observations per arm on the primary metric before any decision other than
 *     INSUFFICIENT_DATA; also the first look of the sequential test (its guarantee is asymptotic with plug-in
 *     variances) and the total requests before an SRM alert
 */
public record VerdictSettings(double alpha, double srmThreshold, long minimumPerArm) {

    public VerdictSettings {
        if (!(alpha > 0 && alpha < 1) || !(srmThreshold > 0 && srmThreshold < 1) || minimumPerArm < 2) {
            throw new IllegalArgumentException("need alpha and srmThreshold in (0, 1) and minimumPerArm >= 2");
        }
    }

    public static VerdictSettings defaults() {
        return new VerdictSettings(0.05, 0.001, 100);
    }
}
