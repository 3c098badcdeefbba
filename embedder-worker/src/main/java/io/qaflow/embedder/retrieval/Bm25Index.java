package io.qaflow.embedder.retrieval;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.index.ScoredChunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Okapi BM25 over chunk texts (title included), kept in memory beside the vector index. Postings and scores are keyed
 * by chunk id, so hashing costs a short string, not the chunk's term map. Thread-safe.
 */
public final class Bm25Index {
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private record Entry(Chunk chunk, Map<String, Integer> termFrequencies, int length) {}

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, List<Entry>> byDocument = new HashMap<>();
    private final Map<String, Entry> byChunkId = new HashMap<>();
    /** term -> (chunk id -> term frequency) */
    private final Map<String, Map<String, Integer>> postings = new HashMap<>();
    private long totalLength;
    private int entries;

    public void upsert(String documentId, List<Chunk> chunks) {
        List<Entry> added = new ArrayList<>(chunks.size());
        for (Chunk chunk : chunks) {
            Map<String, Integer> tf = new HashMap<>();
            List<String> terms = LexicalTokens.of(chunk.title() + " " + chunk.text());
            terms.forEach(t -> tf.merge(t, 1, Integer::sum));
            added.add(new Entry(chunk, Map.copyOf(tf), terms.size()));
        }
        lock.writeLock().lock();
        try {
            removeLocked(documentId);
            byDocument.put(documentId, added);
            for (Entry entry : added) {
                String chunkId = entry.chunk().chunkId();
                removeChunkLocked(byChunkId.get(chunkId));
                byChunkId.put(chunkId, entry);
                entry.termFrequencies().forEach((term, tf) ->
                        postings.computeIfAbsent(term, t -> new HashMap<>()).put(chunkId, tf));
                totalLength += entry.length();
                entries++;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void delete(String documentId) {
        lock.writeLock().lock();
        try {
            removeLocked(documentId);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeLocked(String documentId) {
        List<Entry> previous = byDocument.remove(documentId);
        if (previous == null) {
            return;
        }
        for (Entry entry : previous) {
            if (byChunkId.get(entry.chunk().chunkId()) == entry) {
                removeChunkLocked(entry);
            }
        }
    }

    private void removeChunkLocked(Entry entry) {
        if (entry == null) {
            return;
        }
        String chunkId = entry.chunk().chunkId();
        byChunkId.remove(chunkId);
        for (String term : entry.termFrequencies().keySet()) {
            Map<String, Integer> list = postings.get(term);
            list.remove(chunkId);
            if (list.isEmpty()) {
                postings.remove(term);
            }
        }
        totalLength -= entry.length();
        entries--;
    }

    public List<ScoredChunk> search(String query, int k) {
        Map<String, Double> scores = new HashMap<>();
        Map<String, Chunk> hits = new HashMap<>();
        lock.readLock().lock();
        try {
            if (entries == 0) {
                return List.of();
            }
            double averageLength = (double) totalLength / entries;
            for (String term : new LinkedHashSet<>(LexicalTokens.of(query))) {
                Map<String, Integer> list = postings.get(term);
                if (list == null) {
                    continue;
                }
                double idf = Math.log(1 + (entries - list.size() + 0.5) / (list.size() + 0.5));
                list.forEach((chunkId, tf) -> {
                    Entry entry = byChunkId.get(chunkId);
                    double norm = tf + K1 * (1 - B + B * entry.length() / averageLength);
                    scores.merge(chunkId, idf * tf * (K1 + 1) / norm, Double::sum);
                    hits.putIfAbsent(chunkId, entry.chunk());
                });
            }
        } finally {
            lock.readLock().unlock();
        }
        return scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(k)
                .map(e -> new ScoredChunk(hits.get(e.getKey()), e.getValue()))
                .toList();
    }
}
