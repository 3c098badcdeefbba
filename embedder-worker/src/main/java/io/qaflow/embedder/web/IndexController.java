package io.qaflow.embedder.web;

import io.qaflow.embedder.embedding.EmbeddingRuntime;
import io.qaflow.embedder.embedding.Precision;
import io.qaflow.embedder.ingest.IndexStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/index}: documents, chunks, whether the corpus is caught up, the corpus version, and what embeds
 * (model, engine, device, precision).
 */
@RestController
public class IndexController {
    private final IndexStatus status;
    private final Embedding embedding;

    /** The embedding side of {@code /v1/index}. */
    public record Embedding(String model, String engine, String device, String executionProvider,
                            Precision precision) {
        static Embedding of(EmbeddingRuntime r) {
            return new Embedding(r.modelId(), r.engine(), r.device(), r.executionProvider(), r.precision());
        }
    }

    /** {@link IndexStatus.Snapshot}'s fields plus {@code embedding}. */
    public record IndexView(int documents, int chunks, boolean caughtUp, String corpusVersion, long recordsRead,
                            long recordsAtStart, Embedding embedding) {}

    public IndexController(IndexStatus status, EmbeddingRuntime runtime) {
        this.status = status;
        this.embedding = Embedding.of(runtime);
    }

    @GetMapping("/v1/index")
    public IndexView index() {
        IndexStatus.Snapshot s = status.snapshot();
        return new IndexView(s.documents(), s.chunks(), s.caughtUp(), s.corpusVersion(), s.recordsRead(),
                s.recordsAtStart(), embedding);
    }
}
