package io.qaflow.embedder.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Exact cosine search over unit-length vectors held in memory (a dot product per chunk). Searches share a read lock
 * and run in parallel; writes take the write lock for the few map updates only.
 */
public final class InMemoryVectorIndex implements VectorIndex {
    private record Document(String eventId, List<EmbeddedChunk> chunks) {}

    private final int dimensions;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Document> documents = new HashMap<>();
    private final CorpusVersion version = new CorpusVersion();
    private int chunkCount;

    public InMemoryVectorIndex(int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1");
        }
        this.dimensions = dimensions;
    }

    @Override
    public void upsert(String documentId, String eventId, List<EmbeddedChunk> chunks) {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(eventId, "eventId");
        List<EmbeddedChunk> copy = List.copyOf(chunks);
        for (EmbeddedChunk chunk : copy) {
            checkDimensions(chunk.vectorView());
            if (!chunk.chunk().documentId().equals(documentId)) {
                throw new IllegalArgumentException("chunk " + chunk.chunk().chunkId() + " is not part of " + documentId);
            }
        }
        if (copy.isEmpty()) {
            delete(documentId);
            return;
        }
        lock.writeLock().lock();
        try {
            removeLocked(documentId);
            documents.put(documentId, new Document(eventId, copy));
            version.add(documentId, eventId);
            chunkCount += copy.size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean delete(String documentId) {
        lock.writeLock().lock();
        try {
            return removeLocked(documentId);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean removeLocked(String documentId) {
        Document previous = documents.remove(documentId);
        if (previous == null) {
            return false;
        }
        version.remove(documentId, previous.eventId());
        chunkCount -= previous.chunks().size();
        return true;
    }

    @Override
    public List<ScoredChunk> search(float[] query, int k) {
        checkDimensions(Objects.requireNonNull(query, "query"));
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1");
        }
        PriorityQueue<ScoredChunk> best = new PriorityQueue<>(Comparator.comparingDouble(ScoredChunk::score));
        lock.readLock().lock();
        try {
            for (Document document : documents.values()) {
                for (EmbeddedChunk chunk : document.chunks()) {
                    double score = dot(query, chunk.vectorView());
                    if (best.size() < k) {
                        best.add(new ScoredChunk(chunk.chunk(), score));
                    } else if (score > best.peek().score()) {
                        best.poll();
                        best.add(new ScoredChunk(chunk.chunk(), score));
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        List<ScoredChunk> ranked = new ArrayList<>(best);
        ranked.sort(Comparator.comparingDouble(ScoredChunk::score).reversed()
                .thenComparing(s -> s.chunk().chunkId()));
        return List.copyOf(ranked);
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return chunkCount;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int documentCount() {
        lock.readLock().lock();
        try {
            return documents.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String corpusVersion() {
        lock.readLock().lock();
        try {
            return version.value();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkDimensions(float[] vector) {
        if (vector.length != dimensions) {
            throw new IllegalArgumentException("vector has " + vector.length + " dimensions, index has " + dimensions);
        }
    }

    private static double dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
