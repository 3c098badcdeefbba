package io.qaflow.metrics.topology;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Links the aggregation of a terminal event or feedback to its request's trace: a short {@code qa.aggregate} span,
 * child of the W3C {@code traceparent} the record carries, so the request's trace shows when the aggregator counted
 * it. Records without one (and every record while tracing is off) pass through untouched.
 */
final class TraceLink<V> implements FixedKeyProcessor<String, V, V> {
    private static final String TRACEPARENT = "traceparent";

    private final ObservationRegistry observations;
    private FixedKeyProcessorContext<String, V> context;

    TraceLink(ObservationRegistry observations) {
        this.observations = observations;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (!observations.isNoop() && record.headers().lastHeader(TRACEPARENT) != null) {
            ReceiverContext<Headers> received = new ReceiverContext<>(TraceLink::header, Kind.CONSUMER);
            received.setCarrier(record.headers());
            Observation.createNotStarted("qa.aggregate", () -> received, observations)
                    .contextualName("aggregate " + record.key()).start().stop();
        }
        context.forward(record);
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
