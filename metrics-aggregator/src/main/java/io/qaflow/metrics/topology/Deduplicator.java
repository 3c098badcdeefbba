package io.qaflow.metrics.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Forwards each event id once. Inputs are keyed by request id, so every copy of an event reaches the same task; the
 * ids seen live in a window store that forgets them after the retention period.
 */
final class Deduplicator implements FixedKeyProcessor<String, Observation, Observation> {
    static final String STORE = "seen-event-ids";

    private final long retentionMs;
    private FixedKeyProcessorContext<String, Observation> context;
    private WindowStore<String, Long> seen;

    Deduplicator(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Observation> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Observation> record) {
        String eventId = record.value().eventId();
        long at = record.timestamp();
        try (WindowStoreIterator<Long> copies = seen.fetch(eventId, at - retentionMs, at + retentionMs)) {
            if (copies.hasNext()) {
                return;
            }
        }
        seen.put(eventId, at, at);
        context.forward(record);
    }
}
