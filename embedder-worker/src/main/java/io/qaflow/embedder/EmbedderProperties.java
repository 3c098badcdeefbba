package io.qaflow.embedder;

import io.qaflow.embedder.embedding.DeviceChoice;
import io.qaflow.embedder.embedding.EngineChoice;
import io.qaflow.embedder.embedding.Precision;
import io.qaflow.embedder.retrieval.RetrievalMode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the embedder worker, under {@code qaflow.embedder.*}.
 *
 * @param device where the embedding model runs: {@code auto} (a GPU when one is usable, else the CPU), {@code cpu},
 *        or {@code gpu} (the embedder fails at start-up when no GPU is usable)
 */
@Validated
@ConfigurationProperties("qaflow.embedder")
public record EmbedderProperties(
        @DefaultValue("auto") @NotNull DeviceChoice device,
        @Valid @DefaultValue Model model,
        @Valid @DefaultValue Chunking chunking,
        @Valid @DefaultValue Retrieval retrieval,
        @Valid @DefaultValue Ingest ingest,
        @Valid @DefaultValue Questions questions,
        @Valid @DefaultValue Cache cache) {

    /**
     * @param engine which DJL engine computes the embeddings: onnxruntime (default) or pytorch (needs -Ppytorch)
     * @param batchSize texts per inference; 0 = 8 on a CPU (small batches keep all inference threads busy on short
     *        questions), 128 on a GPU
     * @param maxTokens truncation of every text, [CLS] and [SEP] included (BERT's limit is 512)
     * @param threads CPU threads for inference in all; 0 = available processors
     * @param intraOpThreads ONNX Runtime threads per inference; 0 = all {@code threads} in one inference. threads /
     *        intraOpThreads batches run at once.
     * @param precision FP32 (embeddings equal langchain4j's) or INT8 (weights quantised at load, about twice as fast on
     *        a CPU, recall@5 within 0.005 of fp32)
     * @param embedTitle embed "title + newline + chunk text" rather than the chunk text alone
     * @param batching merging of concurrent small embedding calls into one model call
     */
    public record Model(
            @DefaultValue("onnxruntime") @NotNull EngineChoice engine,
            @DefaultValue("0") @Min(0) @Max(512) int batchSize,
            @DefaultValue("512") @Min(16) @Max(512) int maxTokens,
            @DefaultValue("0") @Min(0) int threads,
            @DefaultValue("1") @Min(0) int intraOpThreads,
            @DefaultValue("fp32") @NotNull Precision precision,
            @DefaultValue("true") boolean embedTitle,
            @Valid @DefaultValue Batching batching) {}

    /**
     * @param maxTexts most texts in one merged model call; a call with this many texts or more is not merged
     * @param window longest a call waits for others to join it; 0 (the default) merges only the calls that queued while
     *        all inferences were busy, which measured as fast as a 2 ms window (16 callers: 420 vs 402 sentences/s)
     *        without delaying a lone call
     */
    public record Batching(
            @DefaultValue("64") @Min(1) @Max(4096) int maxTexts,
            @DefaultValue("0ms") @NotNull Duration window) {}

    /** Word-piece budget per chunk and the overlap between windows of a long paragraph. */
    public record Chunking(
            @DefaultValue("256") @Min(16) @Max(510) int maxTokens,
            @DefaultValue("50") @Min(0) int overlapTokens) {}

    /**
     * @param mode DENSE (cosine only) or HYBRID (dense + BM25, reciprocal rank fusion)
     * @param maxChunksPerDocument most chunks of one document among the top k; 0 = no limit
     * @param candidates depth of each ranking that HYBRID fuses
     * @param rrfK the constant of reciprocal rank fusion
     * @param lexicalWeight weight of the BM25 ranking relative to the dense one
     */
    public record Retrieval(
            @DefaultValue("HYBRID") @NotNull RetrievalMode mode,
            @DefaultValue("2") @Min(0) int maxChunksPerDocument,
            @DefaultValue("50") @Min(1) int candidates,
            @DefaultValue("60") @Min(1) int rrfK,
            @DefaultValue("1.0") @DecimalMin("0.0") double lexicalWeight) {}

    /** Reading the corpus topic. */
    public record Ingest(
            @DefaultValue("200ms") @NotNull Duration pollTimeout,
            @DefaultValue("256") @Min(1) int maxPollRecords) {}

    /**
     * Consuming questions (publishing their outputs is retried as {@code qaflow.kafka.publish.*} says).
     *
     * @param retryInterval pause between in-place retries of a record the listener could neither handle nor
     *        dead-letter
     * @param retryAttempts such retries before the record is given up on (dead-lettered with a terminal failure)
     */
    public record Questions(
            @DefaultValue("qa-embedder") @NotBlank String groupId,
            @DefaultValue("1") @Min(1) int concurrency,
            @DefaultValue("64") @Min(1) int maxPollRecords,
            @DefaultValue("1s") @NotNull Duration pollTimeout,
            @DefaultValue("1s") @NotNull Duration retryInterval,
            @DefaultValue("2") @Min(0) int retryAttempts) {}

    /**
     * The embedder's side of the caches (what is cached, and for how long, is {@code qaflow.cache.*}).
     *
     * @param corpusVersionRepublish how often the corpus version is published to Redis again, besides after every
     *        change and when Redis comes back
     * @param semanticRefresh how often the semantic candidates mirrored in memory are completed from Redis
     * @param semanticOpenContexts answer contexts (corpus version, prompt, model, topK) mirrored in memory at once
     */
    public record Cache(
            @DefaultValue("30s") @NotNull Duration corpusVersionRepublish,
            @DefaultValue("30s") @NotNull Duration semanticRefresh,
            @DefaultValue("16") @Min(1) int semanticOpenContexts) {}
}
