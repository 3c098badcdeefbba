package io.qaflow.embedder.index;

import java.util.List;

/**
 * Where embedded chunks live and are searched. The in-process {@link InMemoryVectorIndex} is the default; a remote
 * store (Chroma) implements the same contract. Implementations are thread-safe: searches may run while documents
 * are written.
 */
public interface VectorIndex {

    /**
     * Replaces everything indexed for {@code documentId} by {@code chunks}.
     *
     * @param eventId the id of the document event these chunks come from; it feeds {@link #corpusVersion()}
     */
    void upsert(String documentId, String eventId, List<EmbeddedChunk> chunks);

    /** Removes the document's chunks; returns whether it was indexed. */
    boolean delete(String documentId);

    /** The {@code k} chunks most similar to the unit-length {@code query}, best first. */
    List<ScoredChunk> search(float[] query, int k);

    /** Number of chunks. */
    int size();

    int documentCount();

    /**
     * Identifies the current content: it changes whenever a document is added, replaced or removed, and is the same
     * for two indexes that hold the same (documentId, eventId) set.
     */
    String corpusVersion();
}
