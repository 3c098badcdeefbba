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

    /** @param retriever searches {@code vectors} and/or {@code lexical}; it runs under this facade's read lock */
    public CorpusIndex(VectorIndex vectors, Bm25Index lexical, Retriever retriever) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.lexical = Objects.requireNonNull(lexical, "lexical");
        this.retriever = Objects.requireNonNull(retriever, "retriever");
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
            return new Hits(retriever.retrieve(question, questionVector, k), vectors.corpusVersion());
        } finally {
            lock.readLock().unlock();
        }
    }
}
