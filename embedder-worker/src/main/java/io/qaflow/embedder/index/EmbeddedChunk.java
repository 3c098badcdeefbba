package io.qaflow.embedder.index;

import io.qaflow.embedder.chunking.Chunk;
import java.util.Objects;

/** A chunk with its unit-length embedding. The vector is copied in, so the caller's array may be reused. */
public record EmbeddedChunk(Chunk chunk, float[] vector) {
    public EmbeddedChunk {
        Objects.requireNonNull(chunk, "chunk");
        vector = Objects.requireNonNull(vector, "vector").clone();
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }

    float[] vectorView() {
        return vector;
    }
}
