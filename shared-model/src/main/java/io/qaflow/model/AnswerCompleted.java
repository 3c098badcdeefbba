package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.List;

/** A request's successful terminal event, on {@code qa.answers.v1}. Its event id is {@link EventIds#terminal}. */
public record AnswerCompleted(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String requestId,
        String userId,
        Variant variant,
        String answer,
        List<SourceChunk> sources,
        String model,
        boolean cached,
        boolean degraded,
        TokenUsage usage,
        double costUsd,
        StageLatency latencyMs,
        String corpusVersion,
        CacheHit cacheHit,
        String apiKeyId) implements RequestEvent {

    public static final int SCHEMA_VERSION = 1;

    public AnswerCompleted {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(requestId, "requestId");
        notNull(variant, "variant");
        notBlank(answer, "answer");
        sources = List.copyOf(notNull(sources, "sources"));
        notBlank(model, "model");
        notNull(usage, "usage");
        if (!(costUsd >= 0)) {
            throw new IllegalArgumentException("costUsd must be >= 0");
        }
        notNull(latencyMs, "latencyMs");
        if (cached != (cacheHit != null)) {
            throw new IllegalArgumentException("cacheHit is set exactly when cached is true");
        }
    }

    /** Before the caches: not cached, no corpus version, no key id. */
    public AnswerCompleted(int schemaVersion, String eventId, Instant occurredAt, String requestId, String userId,
                           Variant variant, String answer, List<SourceChunk> sources, String model, boolean cached,
                           boolean degraded, TokenUsage usage, double costUsd, StageLatency latencyMs) {
        this(schemaVersion, eventId, occurredAt, requestId, userId, variant, answer, sources, model, cached, degraded,
                usage, costUsd, latencyMs, null, cached ? CacheHit.EXACT : null, null);
    }

    /** How a cached answer was found: the same normalised question, or a similar one (the semantic cache). */
    public enum CacheHit {
        EXACT, SEMANTIC
    }
}
