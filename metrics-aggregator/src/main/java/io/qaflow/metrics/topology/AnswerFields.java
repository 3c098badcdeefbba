package io.qaflow.metrics.topology;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.Event;
import io.qaflow.model.StageLatency;
import io.qaflow.model.Variant;
import java.time.Instant;

/**
 * The fields of an {@link AnswerCompleted} the aggregator reads, filled by {@link AnswerFieldsDeserializer}; the
 * answer text and its source chunks are skipped.
 *
 * @param experimentId the variant's experiment, {@link Variant#DEFAULT_EXPERIMENT} when it has none
 */
record AnswerFields(
        String eventId,
        Instant occurredAt,
        String experimentId,
        String variant,
        boolean cached,
        boolean degraded,
        long promptTokens,
        long completionTokens,
        double costUsd,
        StageLatency latencyMs) implements Event {

    @Override
    public int schemaVersion() {
        return AnswerCompleted.SCHEMA_VERSION;
    }
}
