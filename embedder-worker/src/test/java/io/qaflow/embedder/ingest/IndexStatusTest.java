package io.qaflow.embedder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.retrieval.Bm25Index;
import io.qaflow.embedder.retrieval.CorpusIndex;
import io.qaflow.embedder.retrieval.DenseRetriever;
import io.qaflow.embedder.web.CorpusHealthIndicator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class IndexStatusTest {
    private final InMemoryVectorIndex index = new InMemoryVectorIndex(1);
    private final IndexStatus status = new IndexStatus(
            new CorpusIndex(index, new Bm25Index(), new DenseRetriever(index, 0), "model-x"));
    private final CorpusHealthIndicator health = new CorpusHealthIndicator(status);

    @Test
    void reportsTheIndexAndIsNotReadyUntilCaughtUp() throws Exception {
        index.upsert("a", "e", List.of(new EmbeddedChunk(Chunk.of("a", 0, "", "t"), new float[] {1})));
        status.started(10);
        status.read(4);

        assertThat(status.snapshot()).isEqualTo(new IndexStatus.Snapshot(1, 1, false,
                "model-x@" + index.corpusVersion(), 4, 10));
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(status.awaitCaughtUp(Duration.ofMillis(10))).isFalse();

        status.markCaughtUp();

        assertThat(status.caughtUp()).isTrue();
        assertThat(status.awaitCaughtUp(Duration.ZERO)).isTrue();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("documents", 1).containsEntry("caughtUp", true);
    }
}
