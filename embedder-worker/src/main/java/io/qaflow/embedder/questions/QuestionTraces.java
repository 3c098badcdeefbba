package io.qaflow.embedder.questions;

import io.micrometer.observation.Observation;
import io.qaflow.kafka.RecordObservations;
import io.qaflow.model.QuestionAsked;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The traces of one batch of questions: a consumer span per question continuing its request's trace (a batch
 * listener gets none from the container), its stages as children, and its outputs published within it, so the
 * contexts carry the trace on to the answer worker.
 */
final class QuestionTraces implements Stages, AutoCloseable {
    static final QuestionTraces NONE = new QuestionTraces(null, Map.of());

    private final RecordObservations observations;
    private final Map<String, Observation> byRequest;

    private QuestionTraces(RecordObservations observations, Map<String, Observation> byRequest) {
        this.observations = observations;
        this.byRequest = byRequest;
    }

    /** Starts a span for every readable question of the batch. */
    static QuestionTraces start(List<ConsumerRecord<String, QuestionAsked>> records, RecordObservations observations,
                                String groupId, String clientId) {
        Map<String, Observation> byRequest = new HashMap<>();
        for (ConsumerRecord<String, QuestionAsked> record : records) {
            if (record.value() != null) {
                byRequest.put(record.value().requestId(),
                        observations.received(record, groupId, clientId).start());
            }
        }
        return new QuestionTraces(observations, byRequest);
    }

    @Override
    public Observation start(String requestId, String stage) {
        Observation parent = byRequest.get(requestId);
        return parent == null ? Observation.NOOP : observations.stage(stage, parent);
    }

    /** Runs {@code work} (a publish) within the request's span, so what it sends carries the request's trace. */
    <T> T within(String requestId, Supplier<T> work) {
        Observation trace = byRequest.get(requestId);
        if (trace == null) {
            return work.get();
        }
        try (Observation.Scope scope = trace.openScope()) {
            return work.get();
        }
    }

    @Override
    public void close() {
        byRequest.values().forEach(Observation::stop);
    }
}
