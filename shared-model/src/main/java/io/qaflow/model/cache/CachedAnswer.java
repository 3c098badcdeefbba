package io.qaflow.model.cache;

import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An answer as the answer cache holds it (JSON in Redis): what a hit returns, and what it saved.
 *
 * @param question the question as first asked
 * @param costUsd what the original answer cost: each hit saves it
 * @param sourceRequestId the request whose answer this is
 */
public record CachedAnswer(String question, String answer, List<SourceChunk> sources, String model, TokenUsage usage,
                           double costUsd, String corpusVersion, String promptVersion, Instant createdAt,
                           String sourceRequestId) {
    public CachedAnswer {
        Objects.requireNonNull(answer, "answer");
        sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(usage, "usage");
    }
}
