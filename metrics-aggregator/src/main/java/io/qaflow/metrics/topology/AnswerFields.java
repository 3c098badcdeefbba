package io.qaflow.metrics.topology;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.Event;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import java.time.Instant;
import java.util.Objects;

/**
 * The fields of an {@link AnswerCompleted} the aggregator reads. The answer text and its source chunks, most of the
 * record's bytes, are skipped by the parser instead of being bound to objects nobody reads here.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record AnswerFields(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        Variant variant,
        boolean cached,
        boolean degraded,
        TokenUsage usage,
        double costUsd,
        StageLatency latencyMs) implements Event {

    AnswerFields {
        if (schemaVersion != AnswerCompleted.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported AnswerCompleted schemaVersion " + schemaVersion);
        }
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(latencyMs, "latencyMs");
    }
}
