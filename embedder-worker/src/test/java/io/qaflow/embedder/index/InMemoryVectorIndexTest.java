package io.qaflow.embedder.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.embedder.chunking.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryVectorIndexTest {
    private final InMemoryVectorIndex index = new InMemoryVectorIndex(3);

    @Test
    void searchRanksChunksByCosineSimilarity() {
        index.upsert("a", "e1", List.of(chunk("a", 0, 1, 0, 0), chunk("a", 1, 0, 1, 0)));
        index.upsert("b", "e2", List.of(chunk("b", 0, 0.6f, 0.8f, 0)));

        List<ScoredChunk> hits = index.search(unit(0.1f, 1, 0), 2);

        assertThat(hits).extracting(h -> h.chunk().chunkId()).containsExactly("a#1", "b#0");
        assertThat(hits.getFirst().score()).isGreaterThan(hits.get(1).score());
        assertThat(index.search(unit(1, 0, 0), 10)).hasSize(3);
        assertThat(index.size()).isEqualTo(3);
        assertThat(index.documentCount()).isEqualTo(2);
    }

    @Test
    void upsertReplacesADocumentsChunksAndDeleteRemovesThem() {
        index.upsert("a", "e1", List.of(chunk("a", 0, 1, 0, 0), chunk("a", 1, 0, 1, 0)));
        index.upsert("a", "e2", List.of(chunk("a", 0, 0, 0, 1)));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.search(unit(1, 0, 0), 5)).singleElement()
                .satisfies(h -> assertThat(h.chunk().chunkId()).isEqualTo("a#0"));

        assertThat(index.delete("a")).isTrue();
        assertThat(index.delete("a")).isFalse();
        assertThat(index.size()).isZero();
        assertThat(index.search(unit(1, 0, 0), 5)).isEmpty();
    }

    @Test
    void corpusVersionFollowsContentNotHistory() {
        String empty = index.corpusVersion();
        index.upsert("a", "e1", List.of(chunk("a", 0, 1, 0, 0)));
        String withA = index.corpusVersion();
        index.upsert("b", "e2", List.of(chunk("b", 0, 0, 1, 0)));
        String withAB = index.corpusVersion();
        index.upsert("a", "e3", List.of(chunk("a", 0, 1, 0, 0)));
        String replaced = index.corpusVersion();

        assertThat(List.of(empty, withA, withAB, replaced)).doesNotHaveDuplicates();

        InMemoryVectorIndex other = new InMemoryVectorIndex(3);
        other.upsert("b", "e2", List.of(chunk("b", 0, 0, 1, 0)));
        other.upsert("a", "e3", List.of(chunk("a", 0, 1, 0, 0)));
        assertThat(other.corpusVersion()).isEqualTo(replaced);

        index.delete("b");
        index.delete("a");
        assertThat(index.corpusVersion()).isEqualTo(empty);
    }

    @Test
    void rejectsVectorsOfTheWrongSizeAndChunksOfAnotherDocument() {
        assertThatThrownBy(() -> index.upsert("a", "e", List.of(new EmbeddedChunk(Chunk.of("a", 0, "", "t"),
                new float[] {1, 0})))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.upsert("a", "e", List.of(chunk("b", 0, 1, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search(new float[] {1}, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void searchesRunWhileDocumentsAreWritten() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String id = "d" + writer + "-" + (i % 50);
                        index.upsert(id, "e" + i, List.of(chunk(id, 0, 1, i % 7, 0), chunk(id, 1, 0, 1, i % 3)));
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        List<ScoredChunk> hits = index.search(unit(1, 1, 0), 5);
                        assertThat(hits.size()).isLessThanOrEqualTo(5);
                        for (int j = 1; j < hits.size(); j++) {
                            assertThat(hits.get(j - 1).score()).isGreaterThanOrEqualTo(hits.get(j).score());
                        }
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.documentCount()).isEqualTo(100);
        assertThat(index.size()).isEqualTo(200);
    }

    private static EmbeddedChunk chunk(String documentId, int i, float x, float y, float z) {
        return new EmbeddedChunk(Chunk.of(documentId, i, "title", "text " + documentId + i), unit(x, y, z));
    }

    private static float[] unit(float x, float y, float z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return new float[] {(float) (x / n), (float) (y / n), (float) (z / n)};
    }
}
