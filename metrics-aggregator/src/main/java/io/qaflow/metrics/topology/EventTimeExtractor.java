package io.qaflow.metrics.topology;

import io.qaflow.model.Event;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the event's own {@code occurredAt}: a terminal event redelivered after a crash, or published late,
 * still lands in the window of the moment it describes. Anything else keeps its record timestamp.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return record.value() instanceof Event event ? event.occurredAt().toEpochMilli() : record.timestamp();
    }
}
