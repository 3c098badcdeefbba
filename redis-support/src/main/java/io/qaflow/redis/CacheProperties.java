package io.qaflow.redis;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The caches, under {@code qaflow.cache.*}; each service uses its part.
 *
 * @param enabled false: no answer is looked up or stored (embeddings are still cached)
 * @param answerTtl how long Redis keeps an answer
 * @param memoryTtl how long a replica keeps an answer in its own memory
 * @param memoryMaxEntries most answers a replica keeps in memory
 * @param embeddingTtl how long Redis keeps a question embedding
 */
@Validated
@ConfigurationProperties("qaflow.cache")
public record CacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("24h") @NotNull Duration answerTtl,
        @DefaultValue("10m") @NotNull Duration memoryTtl,
        @DefaultValue("10000") @Min(1) int memoryMaxEntries,
        @DefaultValue("7d") @NotNull Duration embeddingTtl,
        @DefaultValue @Valid @NotNull Semantic semantic) {

    /**
     * @param enabled whether the embedder reuses the answer of a similar question
     * @param threshold least cosine similarity of two question embeddings for a semantic hit
     * @param verifySample share of semantic hits that are answered afresh anyway, to measure agreement
     * @param maxCandidates most questions remembered per answer context
     */
    public record Semantic(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("0.95") @DecimalMin("0.5") @DecimalMax("1.0") double threshold,
            @DefaultValue("0.1") @DecimalMin("0.0") @DecimalMax("1.0") double verifySample,
            @DefaultValue("5000") @Min(1) int maxCandidates) {}
}
