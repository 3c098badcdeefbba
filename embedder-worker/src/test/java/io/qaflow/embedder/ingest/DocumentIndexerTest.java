package io.qaflow.embedder.ingest;

import io.qaflow.embedder.retrieval.DenseRetriever;
import io.qaflow.embedder.retrieval.CorpusIndex;
import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.embedder.FakeEmbeddingModel;
import io.qaflow.embedder.chunking.Chunker;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.retrieval.Bm25Index;
import io.qaflow.model.DocumentSubmitted;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentIndexerTest {
    private final FakeEmbeddingModel model = new FakeEmbeddingModel("POISON");
    private final InMemoryVectorIndex vectors = new InMemoryVectorIndex(26);
    private final Bm25Index lexical = new Bm25Index();
    private final DocumentIndexer indexer = new DocumentIndexer(
            new Chunker(text -> text.split("\\s+").length, new Chunker.Settings(64, 10)), model,
            new CorpusIndex(vectors, lexical, new DenseRetriever(vectors, 0), model.modelId()), true);

    @Test
    void embedsABatchInOneCallAndKeepsTheLastChangePerDocument() {
        DocumentIndexer.Result result = indexer.apply(List.of(
                upsert("a", "first version of a"), upsert("b", "document b"), upsert("a", "second version of a"),
                upsert("c", "document c"), new DocumentChange.Delete("c")));

        assertThat(model.calls()).isEqualTo(1);
        assertThat(result.upserted()).isEqualTo(2);
        assertThat(result.deleted()).isEqualTo(1);
        assertThat(vectors.documentCount()).isEqualTo(2);
        assertThat(lexical.search("second", 5)).singleElement()
                .satisfies(h -> assertThat(h.chunk().chunkId()).isEqualTo("a#0"));
        assertThat(lexical.search("first", 5)).isEmpty();
    }

    @Test
    void aDocumentTheModelCannotEmbedFailsAloneAndIsReported() {
        DocumentIndexer.Result result = indexer.apply(List.of(upsert("good", "fine text"),
                upsert("bad", "POISON text"), upsert("also-good", "more fine text")));

        assertThat(result.upserted()).isEqualTo(2);
        assertThat(result.failures()).singleElement()
                .satisfies(f -> assertThat(f.change().documentId()).isEqualTo("bad"));
        assertThat(vectors.documentCount()).isEqualTo(2);
    }

    private static DocumentChange.Upsert upsert(String id, String text) {
        return new DocumentChange.Upsert(DocumentSubmitted.of(id, "Title " + id, text, Map.of(), Instant.now()));
    }
}
