package io.qaflow.embedder.retrieval;

import io.qaflow.embedder.index.ScoredChunk;
import io.qaflow.embedder.index.VectorIndex;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reciprocal rank fusion of the dense and the BM25 rankings: each chunk scores
 * {@code sum(weight / (rrfK + rank))} over the rankings it appears in (rank from 1). The score reported per chunk is
 * that fused score.
 */
public final class HybridRetriever implements Retriever {

    public record Settings(int candidates, int rrfK, double lexicalWeight, int maxChunksPerDocument) {
        public Settings {
            if (candidates < 1 || rrfK < 1 || lexicalWeight < 0) {
                throw new IllegalArgumentException("candidates and rrfK must be >= 1, lexicalWeight >= 0");
            }
        }
    }

    private final VectorIndex vectors;
    private final Bm25Index lexical;
    private final Settings settings;

    public HybridRetriever(VectorIndex vectors, Bm25Index lexical, Settings settings) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.lexical = Objects.requireNonNull(lexical, "lexical");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public List<ScoredChunk> retrieve(String question, float[] questionVector, int k) {
        int n = Math.max(settings.candidates(), DocumentDiversity.candidates(k, settings.maxChunksPerDocument()));
        Map<String, ScoredChunk> fused = new HashMap<>();
        fuse(fused, vectors.search(questionVector, n), 1.0);
        fuse(fused, lexical.search(question, n), settings.lexicalWeight());
        List<ScoredChunk> ranked = fused.values().stream()
                .sorted(Comparator.comparingDouble(ScoredChunk::score).reversed()
                        .thenComparing(s -> s.chunk().chunkId()))
                .toList();
        return DocumentDiversity.limit(ranked, k, settings.maxChunksPerDocument());
    }

    private void fuse(Map<String, ScoredChunk> fused, List<ScoredChunk> ranking, double weight) {
        for (int i = 0; i < ranking.size(); i++) {
            ScoredChunk hit = ranking.get(i);
            double contribution = weight / (settings.rrfK() + i + 1);
            fused.merge(hit.chunk().chunkId(), new ScoredChunk(hit.chunk(), contribution),
                    (a, b) -> new ScoredChunk(a.chunk(), a.score() + b.score()));
        }
    }
}
