package io.qaflow.embedder.index;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.model.SourceChunk;
import java.util.Objects;

/** A retrieved chunk and its score (cosine similarity for dense search; higher is better). */
public record ScoredChunk(Chunk chunk, double score) {
    public ScoredChunk {
        Objects.requireNonNull(chunk, "chunk");
    }

    public String documentId() {
        return chunk.documentId();
    }

    public SourceChunk toSource() {
        return new SourceChunk(chunk.documentId(), chunk.chunkId(), chunk.title(), score, chunk.text());
    }
}
