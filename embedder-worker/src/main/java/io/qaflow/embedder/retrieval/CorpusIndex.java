package io.qaflow.embedder.retrieval;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.index.ScoredChunk;
import io.qaflow.embedder.index.VectorIndex;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The dense and the lexical index as one: a document is written to (or removed from) both under one write lock, and a
 * retrieval reads both rankings and the corpus version under the read lock, so it never mixes two versions of the
 * corpus and the version it reports is the one it searched. Embedding happens before the write lock is taken.
 */
public final class CorpusIndex {

    /** The chunks found and the version of the corpus they were found in. */
    public record Hits(List<ScoredChunk> chunks, String corpusVersion) {
        public Hits {
            chunks = List.copyOf(chunks);
            Objects.requireNonNull(corpusVersion, "corpusVersion");
        }
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final VectorIndex vectors;
    private final Bm25Index lexical;
    private final Retriever retriever;
    private final String versionPrefix;

    /**
     * @param retriever searches {@code vectors} and/or {@code lexical}; it runs under this facade's read lock
     * @param modelId the embedding model's id, part of the corpus version: other vectors retrieve other contexts
     */
    public CorpusIndex(VectorIndex vectors, Bm25Index lexical, Retriever retriever, String modelId) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.lexical = Objects.requireNonNull(lexical, "lexical");
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        this.versionPrefix = modelId + "@";
    }

    /**
     * The version of the corpus as retrieval sees it, {@code modelId@fingerprint}: it changes with every document
     * added, replaced or removed ({@link VectorIndex#corpusVersion()}) and with the embedding model. Contexts carry
     * it, answers are cached under it, and it is what the embedder publishes to the gateway.
     */
    public String corpusVersion() {
        lock.readLock().lock();
        try {
            return versionPrefix + vectors.corpusVersion();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Documents indexed. */
    public int documents() {
        return vectors.documentCount();
    }

    /** Chunks indexed. */
    public int chunks() {
        return vectors.size();
    }

    /** Replaces the document's chunks in both indexes. */
    public void upsert(String documentId, String eventId, List<EmbeddedChunk> chunks) {
        List<Chunk> plain = chunks.stream().map(EmbeddedChunk::chunk).toList();
        lock.writeLock().lock();
        try {
            vectors.upsert(documentId, eventId, chunks);
            lexical.upsert(documentId, plain);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void delete(String documentId) {
        lock.writeLock().lock();
        try {
            vectors.delete(documentId);
            lexical.delete(documentId);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public Hits retrieve(String question, float[] questionVector, int k) {
        lock.readLock().lock();
        try {
            return new Hits(retriever.retrieve(question, questionVector, k), versionPrefix + vectors.corpusVersion());
        } finally {
            lock.readLock().unlock();
        }
    }
}
