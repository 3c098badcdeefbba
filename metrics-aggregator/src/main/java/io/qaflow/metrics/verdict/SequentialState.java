package io.qaflow.metrics.verdict;

import io.qaflow.metrics.stats.Interval;
import io.qaflow.metrics.stats.MixtureSprt;
import io.qaflow.model.ExperimentVerdict.Bounds;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;

/**
 * The always-valid state of one treatment x metric comparison between looks, as carried in the previous verdict:
 * the running minimum of the mSPRT p-value, the running intersection of the confidence sequence and tau^2, which is
 * fixed at the first look and never changes afterwards (changing it mid-experiment would void the guarantee).
 *
 * @param pValue null before the first look
 * @param confidenceSequence null while unbounded
 * @param mixingVariance tau^2; null before the first look
 */
record SequentialState(Double pValue, Interval confidenceSequence, Double mixingVariance) {

    /** Keeps tau^2 strictly positive when the minimum detectable effect is tiny on the metric's scale. */
    static final double MIXING_VARIANCE_FLOOR = 1e-12;
    static final SequentialState FRESH = new SequentialState(null, null, null);

    static SequentialState carriedBy(MetricVerdict previous) {
        if (previous == null) {
            return FRESH;
        }
        Bounds bounds = previous.confidenceSequence();
        return new SequentialState(previous.sequentialPValue(),
                bounds == null ? null : new Interval(bounds.lower(), bounds.upper()), previous.mixingVariance());
    }

    /**
     * This look's state. A look counts when both arms have at least {@code minimumPerArm} observations and the
     * estimate has a positive variance; tau^2 = (the larger of the difference at the minimum detectable effect and
     * {@code smallestScale})^2 is fixed at the first look where that is positive. Otherwise the state is carried forward unchanged.
     */
    SequentialState look(MetricEstimate estimate, long minimumPerArm, double alpha, double smallestScale) {
        if (estimate.testedVariance() == null || !(estimate.testedVariance() > 0)
                || estimate.smallerCount() < minimumPerArm) {
            return this;
        }
        Double tau2 = mixingVariance;
        if (tau2 == null) {
            double scale = Math.max(estimate.differenceAtMde() == null ? 0 : estimate.differenceAtMde(), smallestScale);
            if (!(scale > 0)) {
                return this;
            }
            tau2 = Math.max(scale * scale, MIXING_VARIANCE_FLOOR);
        }
        double difference = estimate.testedDifference();
        double variance = estimate.testedVariance();
        double lookPValue = Math.min(1, Math.exp(-MixtureSprt.logLikelihoodRatio(difference, variance, tau2)));
        double newPValue = pValue == null ? lookPValue : Math.min(pValue, lookPValue);
        Interval lookInterval = Interval.around(difference, MixtureSprt.halfWidth(variance, tau2, alpha));
        Interval sequence = confidenceSequence == null ? lookInterval : confidenceSequence.intersect(lookInterval);
        return new SequentialState(newPValue, MetricEstimator.finite(sequence), tau2);
    }

    Bounds bounds() {
        return confidenceSequence == null ? null : new Bounds(confidenceSequence.lower(), confidenceSequence.upper());
    }

    /** +1 or -1 when the confidence sequence excludes 0 on that side, else 0. */
    int excludedSide() {
        if (confidenceSequence == null) {
            return 0;
        }
        if (confidenceSequence.lower() > 0) {
            return 1;
        }
        return confidenceSequence.upper() < 0 ? -1 : 0;
    }
}
