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

/** Okapi BM25 over chunk texts (title included), kept in memory beside the vector index. Thread-safe. */
public final class Bm25Index {
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private record Entry(Chunk chunk, Map<String, Integer> termFrequencies, int length) {}

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, List<Entry>> byDocument = new HashMap<>();
    private final Map<String, Map<Entry, Integer>> postings = new HashMap<>();
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
                entry.termFrequencies().forEach((term, tf) ->
                        postings.computeIfAbsent(term, t -> new HashMap<>()).put(entry, tf));
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
            for (String term : entry.termFrequencies().keySet()) {
                Map<Entry, Integer> list = postings.get(term);
                list.remove(entry);
                if (list.isEmpty()) {
                    postings.remove(term);
                }
            }
            totalLength -= entry.length();
            entries--;
        }
    }

    public List<ScoredChunk> search(String query, int k) {
        Map<Entry, Double> scores = new HashMap<>();
        lock.readLock().lock();
        try {
            if (entries == 0) {
                return List.of();
            }
            double averageLength = (double) totalLength / entries;
            for (String term : new LinkedHashSet<>(LexicalTokens.of(query))) {
                Map<Entry, Integer> list = postings.get(term);
                if (list == null) {
                    continue;
                }
                double idf = Math.log(1 + (entries - list.size() + 0.5) / (list.size() + 0.5));
                list.forEach((entry, tf) -> {
                    double norm = tf + K1 * (1 - B + B * entry.length() / averageLength);
                    scores.merge(entry, idf * tf * (K1 + 1) / norm, Double::sum);
                });
            }
        } finally {
            lock.readLock().unlock();
        }
        return scores.entrySet().stream()
                .sorted(Map.Entry.<Entry, Double>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().chunk().chunkId()))
                .limit(k)
                .map(e -> new ScoredChunk(e.getKey().chunk(), e.getValue()))
                .toList();
    }
}
