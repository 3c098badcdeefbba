package io.qaflow.metrics.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.model.StageLatency;
import io.qaflow.model.VariantStats.Percentiles;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DDSketch percentiles against exact ones on 1,000,000 log-normal latencies, whole and merged from 8 partitions. */
class LatencySketchTest {
    private static final int N = 1_000_000;
    private static final int PARTITIONS = 8;
    private static final double[] QUANTILES = {0.50, 0.95, 0.99};
    private static double[] latencies;

    @BeforeAll
    static void generate() {
        var random = new SplittableRandom(42);
        latencies = new double[N];
        for (int i = 0; i < N; i++) {
            // median ~ 800 ms, heavy right tail (sigma 0.9), as LLM answer latencies are
            latencies[i] = Math.exp(Math.log(800) + 0.9 * random.nextGaussian());
        }
    }

    @Test
    void percentilesOfOneSketchAreWithinOnePercentOfTheExactOnes() {
        var sketch = LatencySketch.create();
        for (double latency : latencies) {
            sketch.accept(latency);
        }

        assertWithinOnePercent(LatencySketch.percentiles(sketch));
    }

    @Test
    void percentilesAfterMergingEightSerializedPartitionAggregatesAreWithinOnePercent() {
        var serde = new VariantAggregateSerde();
        var merged = new VariantAggregate();
        for (int p = 0; p < PARTITIONS; p++) {
            var partition = new VariantAggregate();
            for (int i = p; i < N; i += PARTITIONS) {
                partition.add(answered(Math.round(latencies[i])));
            }
            merged.merge(serde.deserialize("t", serde.serialize("t", partition)));
        }

        Percentiles merged99 = merged.toStats(null, null).latencyMs().total();
        assertThat(merged99.count()).isEqualTo(N);
        // whole milliseconds, as StageLatency carries them: exact percentiles of the rounded values
        double[] rounded = Arrays.stream(latencies).map(Math::round).sorted().toArray();
        assertWithinOnePercent(merged99, rounded);
    }

    private static void assertWithinOnePercent(Percentiles p) {
        assertWithinOnePercent(p, Arrays.stream(latencies).sorted().toArray());
    }

    private static void assertWithinOnePercent(Percentiles p, double[] sorted) {
        double[] reported = {p.p50(), p.p95(), p.p99()};
        for (int i = 0; i < QUANTILES.length; i++) {
            double exact = sorted[(int) Math.floor(QUANTILES[i] * (sorted.length - 1))];
            assertThat(reported[i]).as("p%s", QUANTILES[i] * 100).isCloseTo(exact, within(exact * 0.01));
        }
    }

    private static Observation answered(long totalMs) {
        return new Observation("e", "x", "control", Observation.Kind.ANSWERED, 0,
                new Observation.Answer(false, false, new StageLatency(totalMs, 0, 0, 0), 0, 0, 0), null, null);
    }
}
