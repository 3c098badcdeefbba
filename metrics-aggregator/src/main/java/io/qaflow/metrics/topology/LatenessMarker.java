package io.qaflow.metrics.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Marks a partial aggregate late when its tumbling window has closed: window end + grace not after the task's stream time (the
 * largest timestamp seen, the same rule the windowed aggregation applies). The window aggregation would drop its events
 * silently; marked, they skip the windows and are counted in the cumulative record and its {@code late} counter.
 * Stream time is kept in a store so that a restarted task judges lateness as strictly as before.
 */
final class LatenessMarker implements FixedKeyProcessor<String, VariantAggregate, VariantAggregate> {
    static final String STORE = "stream-time";
    private static final String KEY = "stream-time";

    private final long windowSizeMs;
    private final long graceMs;
    private FixedKeyProcessorContext<String, VariantAggregate> context;
    private KeyValueStore<String, Long> streamTime;

    LatenessMarker(long windowSizeMs, long graceMs) {
        this.windowSizeMs = windowSizeMs;
        this.graceMs = graceMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, VariantAggregate> context) {
        this.context = context;
        this.streamTime = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, VariantAggregate> record) {
        long at = record.timestamp();
        Long previous = streamTime.get(KEY);
        long now = previous == null ? at : Math.max(previous, at);
        if (previous == null || now > previous) {
            streamTime.put(KEY, now);
        }
        long windowEnd = at - Math.floorMod(at, windowSizeMs) + windowSizeMs;
        boolean late = windowEnd + graceMs <= now;
        if (late) {
            record.value().markLate();
        }
        context.forward(record);
    }
}
