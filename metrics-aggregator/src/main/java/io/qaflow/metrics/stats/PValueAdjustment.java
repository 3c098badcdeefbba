package io.qaflow.metrics.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Adjusted p-values for m simultaneous tests (several metrics or variants), returned in input order; compare each
 * with the unadjusted alpha. Commons Statistics has no such adjustment, hence these few lines.
 */
public final class PValueAdjustment {

    private PValueAdjustment() {
    }

    /** Holm step-down (controls the family-wise error rate): running max of (m - i) p_(i), ascending, capped at 1. */
    public static double[] holm(double[] pValues) {
        int m = pValues.length;
        int[] order = ascending(pValues);
        double[] adjusted = new double[m];
        double runningMax = 0;
        for (int rank = 0; rank < m; rank++) {
            runningMax = Math.max(runningMax, Math.min(1, (m - rank) * pValues[order[rank]]));
            adjusted[order[rank]] = runningMax;
        }
        return adjusted;
    }

    /** Benjamini–Hochberg step-up (controls the false discovery rate): running min of m p_(i) / i, from the top. */
    public static double[] benjaminiHochberg(double[] pValues) {
        int m = pValues.length;
        int[] order = ascending(pValues);
        double[] adjusted = new double[m];
        double runningMin = 1;
        for (int rank = m - 1; rank >= 0; rank--) {
            runningMin = Math.min(runningMin, m * pValues[order[rank]] / (rank + 1));
            adjusted[order[rank]] = runningMin;
        }
        return adjusted;
    }

    private static int[] ascending(double[] pValues) {
        for (double p : pValues) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("p-values must lie in [0, 1]: " + Arrays.toString(pValues));
            }
        }
        return IntStream.range(0, pValues.length).boxed()
                .sorted(Comparator.comparingDouble(i -> pValues[i]))
                .mapToInt(Integer::intValue).toArray();
    }
}
