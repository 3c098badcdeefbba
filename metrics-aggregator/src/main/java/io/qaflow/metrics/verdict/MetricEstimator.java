package io.qaflow.metrics.verdict;

import io.qaflow.metrics.stats.Comparison;
import io.qaflow.metrics.stats.Interval;
import io.qaflow.metrics.stats.MeanComparison;
import io.qaflow.metrics.stats.MeanSummary;
import io.qaflow.metrics.stats.ProportionComparison;
import io.qaflow.metrics.stats.ProportionSummary;
import io.qaflow.metrics.stats.SampleSize;
import io.qaflow.model.ExperimentMetric;
import java.util.function.LongSupplier;

/**
 * Fixed-horizon figures of one metric from two arms' summaries: two-proportion z for rates, Welch's t for means,
 * and for the p95 latency a two-proportion z on the shares above the control's p95 (see {@link VerdictCalculator}).
 */
final class MetricEstimator {

    /** Each arm's p95 interval is at 97.5%, so the difference's interval is at least 95% (union bound). */
    static final double QUANTILE_INTERVAL_LEVEL = 0.975;
    private static final double P95 = 0.95;

    private final double minimumDetectableEffect;

    MetricEstimator(double minimumDetectableEffect) {
        this.minimumDetectableEffect = minimumDetectableEffect;
    }

    MetricEstimate estimate(ExperimentMetric metric, ArmSummary control, ArmSummary treatment) {
        return switch (metric) {
            case SUCCESS_RATE -> rate(metric, control.requests(), control.answered(), treatment.requests(),
                    treatment.answered());
            case DEGRADED_RATE -> rate(metric, control.requests(), control.degraded(), treatment.requests(),
                    treatment.degraded());
            case POSITIVE_FEEDBACK_RATE -> rate(metric, control.feedbackGiven(), control.feedbackUp(),
                    treatment.feedbackGiven(), treatment.feedbackUp());
            case MEAN_LATENCY -> mean(metric, control.latencyCount(), control.latencyMean(), control.latencyVariance(),
                    treatment.latencyCount(), treatment.latencyMean(), treatment.latencyVariance());
            case COST_PER_REQUEST -> mean(metric, control.costCount(), control.costMean(), control.costVariance(),
                    treatment.costCount(), treatment.costMean(), treatment.costVariance());
            case P95_LATENCY -> p95(control, treatment);
        };
    }

    private MetricEstimate rate(ExperimentMetric metric, long controlTrials, long controlSuccesses,
                                long treatmentTrials, long treatmentSuccesses) {
        Double controlRate = controlTrials == 0 ? null : (double) controlSuccesses / controlTrials;
        Double treatmentRate = treatmentTrials == 0 ? null : (double) treatmentSuccesses / treatmentTrials;
        if (controlRate == null || treatmentRate == null) {
            return undefined(metric, controlTrials, treatmentTrials, controlRate, treatmentRate);
        }
        ProportionSummary c = new ProportionSummary(controlTrials, controlSuccesses);
        ProportionSummary t = new ProportionSummary(treatmentTrials, treatmentSuccesses);
        ProportionComparison comparison = Comparison.twoProportions(c, t);
        double variance = c.bernoulliVariance() / c.trials() + t.bernoulliVariance() / t.trials();
        double atMde = minimumDetectableEffect * controlRate;
        return new MetricEstimate(metric, controlTrials, treatmentTrials, controlRate, treatmentRate,
                comparison.difference(), finite(comparison.relativeDifference()), finite(comparison.confidenceInterval()),
                finite(comparison.pValue()), comparison.difference(), variance, atMde,
                proportionSampleSize(controlRate, atMde));
    }

    private MetricEstimate mean(ExperimentMetric metric, long controlCount, double controlMean, double controlVariance,
                                long treatmentCount, double treatmentMean, double treatmentVariance) {
        Double controlValue = controlCount == 0 ? null : controlMean;
        Double treatmentValue = treatmentCount == 0 ? null : treatmentMean;
        if (controlCount < 2 || treatmentCount < 2) {
            return undefined(metric, controlCount, treatmentCount, controlValue, treatmentValue);
        }
        double difference = treatmentMean - controlMean;
        double variance = controlVariance / controlCount + treatmentVariance / treatmentCount;
        Double relative = controlMean == 0 ? null : finite(difference / controlMean);
        Interval interval = null;
        Double pValue = null;
        if (variance > 0) {
            MeanComparison welch = Comparison.welch(new MeanSummary(controlCount, controlMean, controlVariance),
                    new MeanSummary(treatmentCount, treatmentMean, treatmentVariance));
            interval = finite(welch.confidenceInterval());
            pValue = finite(welch.pValue());
        }
        double atMde = minimumDetectableEffect * Math.abs(controlMean);
        double pooledSd = Math.sqrt((controlVariance + treatmentVariance) / 2);
        Long required = atMde > 0 && pooledSd > 0
                ? sampleSize(() -> SampleSize.perArmForMeans(pooledSd, atMde)) : null;
        return new MetricEstimate(metric, controlCount, treatmentCount, controlValue, treatmentValue, difference,
                relative, interval, pValue, difference, variance, atMde, required);
    }

    private MetricEstimate p95(ArmSummary control, ArmSummary treatment) {
        var controlSketch = control.totalLatency();
        var treatmentSketch = treatment.totalLatency();
        long controlCount = Math.round(controlSketch.getCount());
        long treatmentCount = Math.round(treatmentSketch.getCount());
        Double controlP95 = controlCount == 0 ? null : finite(controlSketch.getValueAtQuantile(P95));
        Double treatmentP95 = treatmentCount == 0 ? null : finite(treatmentSketch.getValueAtQuantile(P95));
        if (controlP95 == null || treatmentP95 == null) {
            return undefined(ExperimentMetric.P95_LATENCY, controlCount, treatmentCount, controlP95, treatmentP95);
        }
        double difference = treatmentP95 - controlP95;
        Interval c = SketchCounts.quantileInterval(controlSketch, P95, QUANTILE_INTERVAL_LEVEL);
        Interval t = SketchCounts.quantileInterval(treatmentSketch, P95, QUANTILE_INTERVAL_LEVEL);
        Interval interval = c == null || t == null ? null : new Interval(t.lower() - c.upper(), t.upper() - c.lower());

        ProportionSummary controlAbove = new ProportionSummary(controlCount,
                Math.min(controlCount, SketchCounts.countAbove(controlSketch, controlP95)));
        ProportionSummary treatmentAbove = new ProportionSummary(treatmentCount,
                Math.min(treatmentCount, SketchCounts.countAbove(treatmentSketch, controlP95)));
        ProportionComparison shares = Comparison.twoProportions(controlAbove, treatmentAbove);
        double variance = controlAbove.bernoulliVariance() / controlCount
                + treatmentAbove.bernoulliVariance() / treatmentCount;
        // a treatment whose p95 is (1 + mde) times the control's has about the control's share above p95 / (1 + mde)
        // above the control's p95: that share's excess is the minimum detectable effect on the tested scale
        double shareAtMde = (double) Math.min(controlCount,
                SketchCounts.countAbove(controlSketch, controlP95 / (1 + minimumDetectableEffect))) / controlCount;
        double atMde = shareAtMde - controlAbove.rate();
        if (!(atMde > 0)) {
            atMde = minimumDetectableEffect * controlAbove.rate();
        }
        return new MetricEstimate(ExperimentMetric.P95_LATENCY, controlCount, treatmentCount, controlP95, treatmentP95,
                difference, controlP95 == 0 ? null : finite(difference / controlP95), finite(interval),
                finite(shares.pValue()), shares.difference(), variance, atMde,
                proportionSampleSize(controlAbove.rate(), atMde));
    }

    private static MetricEstimate undefined(ExperimentMetric metric, long controlCount, long treatmentCount,
                                            Double controlValue, Double treatmentValue) {
        return new MetricEstimate(metric, controlCount, treatmentCount, controlValue, treatmentValue, null, null, null,
                null, null, null, null, null);
    }

    /** The sample size to detect the effect in whichever direction keeps the treatment's rate inside (0, 1). */
    private static Long proportionSampleSize(double baseline, double effect) {
        if (!(baseline > 0 && baseline < 1 && effect > 0)) {
            return null;
        }
        double signed = baseline + effect < 1 ? effect : -effect;
        return sampleSize(() -> SampleSize.perArmForProportions(baseline, signed));
    }

    private static Long sampleSize(LongSupplier computation) {
        try {
            return computation.getAsLong();
        } catch (IllegalArgumentException undefined) {
            return null;
        }
    }

    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    static Interval finite(Interval interval) {
        return interval != null && Double.isFinite(interval.lower()) && Double.isFinite(interval.upper())
                ? interval : null;
    }
}
