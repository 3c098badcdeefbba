package io.qaflow.metrics.topology;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import io.qaflow.model.VariantStats.Percentiles;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The latency sketches of the aggregator: DDSketch with 1% relative accuracy. The store keeps at most
 * {@value #MAX_BINS} bins and collapses the lowest ones beyond that; at 1% accuracy that spans values over about 17
 * orders of magnitude, so no latency in milliseconds ever collapses.
 */
public final class LatencySketch {
    public static final double RELATIVE_ACCURACY = 0.01;
    public static final int MAX_BINS = 2048;

    private LatencySketch() {}

    public static DDSketch create() {
        return DDSketches.logarithmicCollapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
    }

    public static byte[] encode(DDSketch sketch) {
        var output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(output, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode latency sketch", e);
        }
        return output.trimmedCopy();
    }

    public static DDSketch decode(byte[] bytes) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(bytes), () -> new CollapsingLowestDenseStore(MAX_BINS));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt latency sketch", e);
        }
    }

    public static Percentiles percentiles(DDSketch sketch) {
        if (sketch.isEmpty()) {
            return Percentiles.EMPTY;
        }
        double[] q = sketch.getValuesAtQuantiles(new double[] {0.50, 0.90, 0.95, 0.99});
        return new Percentiles(Math.round(sketch.getCount()), q[0], q[1], q[2], q[3]);
    }
}
