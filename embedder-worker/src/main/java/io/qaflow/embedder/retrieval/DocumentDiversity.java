package io.qaflow.embedder.retrieval;

import io.qaflow.embedder.index.ScoredChunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a ranking's order but admits at most {@code maxPerDocument} chunks of one document, so the overlapping
 * windows of one long document cannot crowd every other document out of the top k.
 */
final class DocumentDiversity {
    private DocumentDiversity() {}

    static List<ScoredChunk> limit(List<ScoredChunk> ranked, int k, int maxPerDocument) {
        List<ScoredChunk> kept = new ArrayList<>(k);
        Map<String, Integer> perDocument = new HashMap<>();
        for (ScoredChunk chunk : ranked) {
            if (kept.size() == k) {
                break;
            }
            int seen = perDocument.merge(chunk.documentId(), 1, Integer::sum);
            if (maxPerDocument <= 0 || seen <= maxPerDocument) {
                kept.add(chunk);
            }
        }
        return List.copyOf(kept);
    }

    /** How many candidates to fetch so that {@code k} usually survive {@link #limit}. */
    static int candidates(int k, int maxPerDocument) {
        return maxPerDocument <= 0 ? k : k * 3 + 10;
    }
}
