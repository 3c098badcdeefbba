package io.qaflow.metrics.verdict;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import io.qaflow.metrics.stats.Interval;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * What the verdict reads from a DDSketch beyond its quantiles: how many values lie above a threshold, and a
 * distribution-free confidence interval of a quantile. Both work on the sketch's bins, so they carry its relative
 * accuracy: a value in the same bin as the threshold (within a factor gamma = (1 + a) / (1 - a) of it) counts as
 * not above.
 */
public final class SketchCounts {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private SketchCounts() {
    }

    /** The number of values in bins above the threshold's bin (0 for an empty sketch). */
    public static long countAbove(DDSketch sketch, double threshold) {
        if (sketch.isEmpty()) {
            return 0;
        }
        IndexMapping mapping = sketch.getIndexMapping();
        double positives = sketch.getPositiveValueStore().getTotalCount();
        double negatives = sketch.getNegativeValueStore().getTotalCount();
        double zeros = sketch.getCount() - positives - negatives;
        double above;
        if (threshold >= 0) {
            above = threshold < mapping.minIndexableValue() ? positives
                    : sumOfBins(sketch.getPositiveValueStore().getAscendingStream(), mapping.index(threshold), true);
        } else {
            double negativeAbove = -threshold < mapping.minIndexableValue() ? 0
                    : sumOfBins(sketch.getNegativeValueStore().getAscendingStream(), mapping.index(-threshold), false);
            above = positives + zeros + negativeAbove;
        }
        return Math.round(above);
    }

    /**
     * Distribution-free interval of the quantile {@code q}: the values at ranks q -+ z sqrt(q (1 - q) / n) with z the
     * normal quantile for {@code level} (normal approximation of the binomial order-statistic interval), widened by
     * the sketch's relative accuracy. Null when the sketch is empty or a rank falls outside (0, 1), i.e. too few
     * values to bound the quantile on that side.
     */
    public static Interval quantileInterval(DDSketch sketch, double q, double level) {
        if (sketch.isEmpty()) {
            return null;
        }
        double n = sketch.getCount();
        double z = STANDARD_NORMAL.inverseSurvivalProbability((1 - level) / 2);
        double halfRank = z * Math.sqrt(q * (1 - q) / n);
        double lowerRank = q - halfRank;
        double upperRank = q + halfRank;
        if (!(lowerRank > 0 && upperRank < 1)) {
            return null;
        }
        double accuracy = sketch.getIndexMapping().relativeAccuracy();
        double lower = sketch.getValueAtQuantile(lowerRank);
        double upper = sketch.getValueAtQuantile(upperRank);
        return new Interval(lower - accuracy * Math.abs(lower), upper + accuracy * Math.abs(upper));
    }

    private static double sumOfBins(java.util.stream.Stream<Bin> bins, int thresholdIndex, boolean aboveIndex) {
        return bins.filter(bin -> aboveIndex ? bin.getIndex() > thresholdIndex : bin.getIndex() < thresholdIndex)
                .mapToDouble(Bin::getCount).sum();
    }
}
