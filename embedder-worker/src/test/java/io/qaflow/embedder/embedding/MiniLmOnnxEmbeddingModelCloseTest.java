package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Closing the model (at shutdown, while the corpus thread may still embed) never frees it under an inference. */
class MiniLmOnnxEmbeddingModelCloseTest {

    @Test
    void closeWaitsForTheEmbeddingInProgressAndRefusesLaterOnes() {
        MiniLmOnnxEmbeddingModel model = MiniLmOnnxEmbeddingModel.load(
                new MiniLmOnnxEmbeddingModel.Settings(8, 64, 1));
        List<String> texts = IntStream.range(0, 800)
                .mapToObj(i -> "sentence " + i + " about the Denver Broncos winning Super Bowl 50").toList();
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            CompletableFuture<float[][]> running = CompletableFuture.supplyAsync(() -> model.embed(texts), executor);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> model.embeddingsInProgress() > 0);

            model.close();

            assertThat(running).isDone();
            float[][] vectors = running.join();
            assertThat(vectors).hasNumberOfRows(texts.size());
            assertThat(List.of(vectors)).allSatisfy(v -> assertThat(v).hasSize(model.dimensions()));
        }
        assertThatThrownBy(() -> model.embed(List.of("too late"))).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("closed");
        model.close();
    }
}
