package io.qaflow.model;

import static io.qaflow.model.Require.notBlank;

/** One retrieved chunk, in rank order, with its similarity score. */
public record SourceChunk(String documentId, String chunkId, String title, double score, String text) {
    public SourceChunk {
        notBlank(documentId, "documentId");
        notBlank(chunkId, "chunkId");
        title = title == null ? "" : title;
        notBlank(text, "text");
    }
}
