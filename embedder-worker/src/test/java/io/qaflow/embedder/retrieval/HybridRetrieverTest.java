package io.qaflow.embedder.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.index.ScoredChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class HybridRetrieverTest {
    private final InMemoryVectorIndex vectors = new InMemoryVectorIndex(2);
    private final Bm25Index lexical = new Bm25Index();

    private void add(String documentId, float x, float y, String... texts) {
        List<Chunk> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            chunks.add(Chunk.of(documentId, i, "", texts[i]));
        }
        double n = Math.sqrt(x * x + y * y);
        vectors.upsert(documentId, "e-" + documentId, chunks.stream()
                .map(c -> new EmbeddedChunk(c, new float[] {(float) (x / n), (float) (y / n)})).toList());
        lexical.upsert(documentId, chunks);
    }

    @Test
    void bm25FindsRareExactTermsAndIgnoresStopWords() {
        add("cats", 1, 0, "Cats sleep most of the day.");
        add("zeppelin", 0, 1, "The Hindenburg was a zeppelin.");
        assertThat(lexical.search("What was the Hindenburg?", 5)).extracting(ScoredChunk::documentId)
                .containsExactly("zeppelin");
        assertThat(lexical.search("the of was", 5)).isEmpty();
        lexical.delete("zeppelin");
        assertThat(lexical.search("Hindenburg", 5)).isEmpty();
    }

    @Test
    void fusionPromotesAChunkThatBothRankingsLike() {
        add("dense-only", 1, 0, "Unrelated words entirely.");
        add("both", 0.9f, 0.1f, "The Broncos won Super Bowl 50.");
        add("lexical-only", 0, 1, "Broncos Broncos Broncos.");
        var hybrid = new HybridRetriever(vectors, lexical, new HybridRetriever.Settings(10, 60, 1.0, 2));

        List<ScoredChunk> hits = hybrid.retrieve("Which team won Super Bowl 50, the Broncos?", new float[] {1, 0}, 3);

        assertThat(hits.getFirst().documentId()).isEqualTo("both");
        assertThat(hits).hasSize(3);
        for (int i = 1; i < hits.size(); i++) {
            assertThat(hits.get(i - 1).score()).isGreaterThanOrEqualTo(hits.get(i).score());
        }
    }

    @Test
    void noDocumentTakesMoreThanItsShareOfTheTopK() {
        add("long", 1, 0, "part one", "part two", "part three", "part four");
        add("other", 0.5f, 0.5f, "something else");
        var dense = new DenseRetriever(vectors, 2);

        List<ScoredChunk> hits = dense.retrieve("part", new float[] {1, 0}, 3);

        assertThat(hits).extracting(ScoredChunk::documentId).containsExactly("long", "long", "other");
        assertThat(new DenseRetriever(vectors, 0).retrieve("part", new float[] {1, 0}, 3))
                .extracting(ScoredChunk::documentId).containsOnly("long");
    }

    @Test
    void bm25ReplacingADocumentDropsEveryOldChunkAndScoresOnlyTheNewOnes() {
        lexical.upsert("doc", List.of(Chunk.of("doc", 0, "", "zeppelin hangar"), Chunk.of("doc", 1, "", "Akron airship")));
        lexical.upsert("other", List.of(Chunk.of("other", 0, "", "lighthouse")));
        lexical.upsert("doc", List.of(Chunk.of("doc", 0, "", "lighthouse keeper")));

        assertThat(lexical.search("zeppelin Akron airship", 5)).isEmpty();
        List<ScoredChunk> hits = lexical.search("lighthouse keeper", 5);
        assertThat(hits).extracting(h -> h.chunk().chunkId()).containsExactly("doc#0", "other#0");
        assertThat(hits.getFirst().chunk().text()).isEqualTo("lighthouse keeper");
        lexical.delete("doc");
        assertThat(lexical.search("lighthouse keeper", 5)).extracting(h -> h.chunk().chunkId())
                .containsExactly("other#0");
    }
}
