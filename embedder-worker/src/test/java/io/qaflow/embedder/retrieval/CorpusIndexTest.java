package io.qaflow.embedder.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.index.ScoredChunk;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CorpusIndexTest {
    private final InMemoryVectorIndex vectors = new InMemoryVectorIndex(2);
    private final Bm25Index lexical = new Bm25Index();

    private static List<EmbeddedChunk> document(String id, String text) {
        return List.of(new EmbeddedChunk(Chunk.of(id, 0, "", text), new float[] {1, 0}));
    }

    @Test
    void writesBothIndexesAndReportsTheVersionItSearched() {
        var corpus = new CorpusIndex(vectors, lexical, new HybridRetriever(vectors, lexical,
                new HybridRetriever.Settings(10, 60, 1.0, 0)), "model-x");
        corpus.upsert("a", "e1", document("a", "zeppelin hangar"));

        CorpusIndex.Hits hits = corpus.retrieve("zeppelin", new float[] {1, 0}, 5);

        assertThat(hits.chunks()).extracting(ScoredChunk::documentId).containsExactly("a");
        assertThat(hits.corpusVersion()).isEqualTo("model-x@" + vectors.corpusVersion())
                .isEqualTo(corpus.corpusVersion());
        assertThat(lexical.search("zeppelin", 5)).hasSize(1);
        corpus.delete("a");
        assertThat(vectors.size()).isZero();
        assertThat(lexical.search("zeppelin", 5)).isEmpty();
    }

    @Test
    void aWriteWaitsUntilTheRetrievalInProgressHasReadBothIndexesAndTheVersion() throws Exception {
        try (ExecutorService writer = Executors.newSingleThreadExecutor()) {
            AtomicReference<CorpusIndex> corpus = new AtomicReference<>();
            AtomicReference<CompletableFuture<Void>> write = new AtomicReference<>();
            Retriever writingMidSearch = (question, vector, k) -> {
                List<ScoredChunk> dense = vectors.search(vector, k);
                write.set(CompletableFuture.runAsync(() -> corpus.get().upsert("b", "e2", document("b", "late")),
                        writer));
                assertThatThrownBy(() -> write.get().get(300, TimeUnit.MILLISECONDS))
                        .as("the write must wait for the retrieval").isInstanceOf(TimeoutException.class);
                assertThat(lexical.search("late", 5)).isEmpty();
                return dense;
            };
            corpus.set(new CorpusIndex(vectors, lexical, writingMidSearch, "model-x"));
            corpus.get().upsert("a", "e1", document("a", "early"));
            String before = corpus.get().corpusVersion();

            CorpusIndex.Hits hits = corpus.get().retrieve("early", new float[] {1, 0}, 5);

            assertThat(hits.corpusVersion()).isEqualTo(before);
            assertThat(hits.chunks()).extracting(ScoredChunk::documentId).containsExactly("a");
            write.get().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(corpus.get().corpusVersion()).isNotEqualTo(before).startsWith("model-x@");
            assertThat(lexical.search("late", 5)).hasSize(1);
        }
    }
}
