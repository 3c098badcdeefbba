package io.qaflow.metrics.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.metrics.stats.Interval;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SketchCountsTest {

    private static final int N = 100_000;
    /** Bin width ratio of a 1% DDSketch: a value counted "in the threshold's bin" is within this factor of it. */
    private static final double GAMMA = 1.01 / 0.99;

    private final double[] values = new double[N];
    private final com.datadoghq.sketch.ddsketch.DDSketch sketch = Arms.sketch();

    SketchCountsTest() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            values[i] = 800 * Math.exp(0.6 * random.nextGaussian());
            sketch.accept(values[i]);
        }
        Arrays.sort(values);
    }

    private long exactlyAbove(double threshold) {
        return Arrays.stream(values).filter(v -> v > threshold).count();
    }

    @Test
    void countsAboveAThresholdMatchTheExactCountsWithinTheSketchAccuracy() {
        for (double threshold : new double[] {sketch.getValueAtQuantile(0.5), sketch.getValueAtQuantile(0.95),
                sketch.getValueAtQuantile(0.99), 1234.5, 90}) {
            long counted = SketchCounts.countAbove(sketch, threshold);

            assertThat(counted).as("above %s", threshold)
                    .isBetween(exactlyAbove(threshold * GAMMA), exactlyAbove(threshold / GAMMA));
            // and close to the exact count: only the threshold's own bin is uncertain
            assertThat((double) Math.abs(counted - exactlyAbove(threshold)))
                    .isLessThanOrEqualTo(0.06 * exactlyAbove(threshold) + 1);
        }
        assertThat(SketchCounts.countAbove(sketch, 0)).isEqualTo(N);
        assertThat(SketchCounts.countAbove(sketch, -5)).isEqualTo(N);
        assertThat(SketchCounts.countAbove(sketch, 1e9)).isZero();
        assertThat(SketchCounts.countAbove(Arms.sketch(), 10)).isZero();
    }

    @Test
    void theQuantileIntervalCoversTheExactP95AndIsNarrowForLargeSamples() {
        double exactP95 = values[(int) Math.ceil(0.95 * N) - 1];

        Interval interval = SketchCounts.quantileInterval(sketch, 0.95, 0.975);

        assertThat(interval.contains(exactP95)).isTrue();
        assertThat(interval.upper() / interval.lower()).isLessThan(1.08);
        // ranks q +- z sqrt(q(1-q)/n) leave (0, 1) for tiny samples: no bound then
        var tiny = Arms.sketch();
        for (int i = 0; i < 10; i++) {
            tiny.accept(100 + i);
        }
        assertThat(SketchCounts.quantileInterval(tiny, 0.95, 0.975)).isNull();
    }
}
