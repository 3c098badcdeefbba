package io.qaflow.embedder.chunking;

import java.util.Objects;

/** A piece of a document that is embedded and retrieved on its own; {@code chunkId} is {@code documentId#index}. */
public record Chunk(String documentId, String chunkId, int index, String title, String text) {
    public static final String SEPARATOR = "#";

    public Chunk {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(chunkId, "chunkId");
        title = title == null ? "" : title;
        Objects.requireNonNull(text, "text");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0");
        }
    }

    public static Chunk of(String documentId, int index, String title, String text) {
        return new Chunk(documentId, documentId + SEPARATOR + index, index, title, text);
    }
}
