package io.qaflow.metrics.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pre-aggregates the events of one input task per tumbling window and experiment/variant before anything crosses the
 * network: every flush interval it forwards each partial aggregate (keyed by experiment/variant, timestamped with its
 * latest event, so it falls into the right window downstream) and forgets it. The repartition topic then carries a
 * few partials per variant and second instead of every event, which is what lets one instance keep up with tens of
 * thousands of events per second.
 *
 * <p>The partials live in a changelogged store, written on every event, so an exactly-once commit never covers an
 * input offset whose event is only in memory. The map beside it saves deserialising the partial on every event; it
 * mirrors the store exactly and is rebuilt from it when the task (re)starts.
 */
final class PartialAggregator implements Processor<String, Observation, String, VariantAggregate> {
    static final String STORE = "partial-aggregates";

    private final long windowSizeMs;
    private final Duration flushInterval;
    private final Map<String, VariantAggregate> live = new HashMap<>();
    private ProcessorContext<String, VariantAggregate> context;
    private KeyValueStore<String, VariantAggregate> partials;

    PartialAggregator(long windowSizeMs, Duration flushInterval) {
        this.windowSizeMs = windowSizeMs;
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, VariantAggregate> context) {
        this.context = context;
        this.partials = context.getStateStore(STORE);
        live.clear();
        try (var restored = partials.all()) {
            restored.forEachRemaining(entry -> live.put(entry.key, entry.value));
        }
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, Observation> record) {
        Observation o = record.value();
        long at = record.timestamp();
        String key = (at - Math.floorMod(at, windowSizeMs)) + "|" + o.experimentId() + "/" + o.variant();
        VariantAggregate partial = live.computeIfAbsent(key, k -> new VariantAggregate());
        partial.add(o);
        partials.put(key, partial);
    }

    private void flush() {
        if (live.isEmpty()) {
            return;
        }
        List<KeyValue<String, VariantAggregate>> flushed = new ArrayList<>(live.size());
        live.forEach((key, partial) -> flushed.add(KeyValue.pair(key, partial)));
        live.clear();
        // oldest first: downstream stream time then only moves forward within a flush, and a window is not closed
        // by a newer partial of the same flush before its own partial arrives
        flushed.sort(Comparator.comparingLong(entry -> entry.value.lastEventMs()));
        for (KeyValue<String, VariantAggregate> entry : flushed) {
            VariantAggregate partial = entry.value;
            context.forward(new Record<>(partial.groupKey(), partial, partial.lastEventMs()));
            partials.delete(entry.key);
        }
    }
}
