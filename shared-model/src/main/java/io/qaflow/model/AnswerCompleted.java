package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qaflow.model.cache.CachedAnswer;
import java.time.Instant;
import java.util.List;

/**
 * A request's successful terminal event, on {@code qa.answers.v1}. Its event id is {@link EventIds#terminal}. Made by
 * {@link #generated} (an answer produced now) or {@link #fromCache} (one served from a cache).
 *
 * @param cacheHit how a cached answer was found; null when the answer was produced now
 */
@JsonIgnoreProperties(value = "cached", allowGetters = true)
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
    }

    /** An answer produced now, by the LLM or the extractive answerer ({@code degraded} when the LLM failed). */
    public static AnswerCompleted generated(RequestRef request, String answer, List<SourceChunk> sources, String model,
                                            boolean degraded, TokenUsage usage, double costUsd,
                                            StageLatency latencyMs, String corpusVersion, Instant at) {
        return new AnswerCompleted(SCHEMA_VERSION, EventIds.terminal(request.requestId()), at, request.requestId(),
                request.userId(), request.variant(), answer, sources, model, degraded, usage, costUsd, latencyMs,
                corpusVersion, null, request.apiKeyId());
    }

    /** An answer served from a cache: it costs nothing now, and its model and sources are those it was made with. */
    public static AnswerCompleted fromCache(RequestRef request, CachedAnswer cached, CacheHit hit,
                                            StageLatency latencyMs, String corpusVersion, Instant at) {
        return new AnswerCompleted(SCHEMA_VERSION, EventIds.terminal(request.requestId()), at, request.requestId(),
                request.userId(), request.variant(), cached.answer(), cached.sources(), cached.model(), false,
                TokenUsage.NONE, 0.0, latencyMs, corpusVersion, notNull(hit, "hit"), request.apiKeyId());
    }

    /** Whether a cache served the answer; on the wire as {@code cached} for readers of schema version 1. */
    @JsonProperty("cached")
    public boolean cached() {
        return cacheHit != null;
    }

    /** How a cached answer was found: the same normalised question, or a similar one (the semantic cache). */
    public enum CacheHit {
        EXACT, SEMANTIC
    }
}
