package io.qaflow.embedder.retrieval;

import io.qaflow.embedder.index.ScoredChunk;
import io.qaflow.embedder.index.VectorIndex;
import java.util.List;
import java.util.Objects;

/** Nearest chunks by cosine similarity, at most {@code maxChunksPerDocument} per document (0 = no limit). */
public final class DenseRetriever implements Retriever {
    private final VectorIndex index;
    private final int maxChunksPerDocument;

    public DenseRetriever(VectorIndex index, int maxChunksPerDocument) {
        this.index = Objects.requireNonNull(index, "index");
        this.maxChunksPerDocument = maxChunksPerDocument;
    }

    @Override
    public List<ScoredChunk> retrieve(String question, float[] questionVector, int k) {
        List<ScoredChunk> candidates = index.search(questionVector,
                DocumentDiversity.candidates(k, maxChunksPerDocument));
        return DocumentDiversity.limit(candidates, k, maxChunksPerDocument);
    }
}
