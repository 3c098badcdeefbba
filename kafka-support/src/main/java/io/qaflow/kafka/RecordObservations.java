package io.qaflow.kafka;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

/**
 * Observations of consumed records where no listener container makes them: the record's processing as a consumer
 * span continuing the trace of its W3C {@code traceparent} header, and named stages of that processing as its
 * children. What is published inside a record's scope carries its trace on.
 */
public final class RecordObservations {
    private final ObservationRegistry registry;

    public RecordObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    /** The processing of {@code record} by {@code groupId}, not started. */
    public Observation received(ConsumerRecord<?, ?> record, String groupId, String clientId) {
        var context = new KafkaRecordReceiverContext(record, groupId, clientId, groupId, () -> null);
        return KafkaListenerObservation.LISTENER_OBSERVATION.observation(null,
                KafkaListenerObservation.DefaultKafkaListenerObservationConvention.INSTANCE, () -> context, registry);
    }

    /** A stage of a record's processing ({@code qa.embed}, {@code qa.retrieve}, …), started, child of {@code parent}. */
    public Observation stage(String name, Observation parent) {
        return Observation.createNotStarted(name, registry).parentObservation(parent).start();
    }

    public ObservationRegistry registry() {
        return registry;
    }
}
