package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dynamic batching: merging, order per caller, per-caller errors, a lone caller not kept waiting, shutdown. */
class EmbeddingBatcherTest {
    private static final Duration LONG = Duration.ofHours(1);
    /** Merge only what is already queued when the dispatcher takes a call: the tests decide what that is. */
    private static final Duration NO_WAIT = Duration.ZERO;

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final RecordingModel model = new RecordingModel();

    @AfterEach
    void stop() {
        model.release();
        callers.shutdownNow();
    }

    @Test
    void concurrentCallsAreMergedIntoOneModelCallAndEachCallerGetsItsOwnVectorsInOrder() {
        try (var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(6, NO_WAIT))) {
            model.hold();
            CompletableFuture<float[][]> first = call(batcher, List.of("a1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> model.calls().size() == 1 && model.blocked());
            // while the model is busy with the first call, three callers queue up (5 texts in all)
            CompletableFuture<float[][]> second = call(batcher, List.of("b1", "b2"));
            CompletableFuture<float[][]> third = call(batcher, List.of("c1"));
            CompletableFuture<float[][]> fourth = call(batcher, List.of("d1", "d2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == 3);
            model.release();

            assertThat(first.join()).isDeepEqualTo(vectors("a1"));
            assertThat(second.join()).isDeepEqualTo(vectors("b1", "b2"));
            assertThat(third.join()).isDeepEqualTo(vectors("c1"));
            assertThat(fourth.join()).isDeepEqualTo(vectors("d1", "d2"));
            // maxTexts 6: b, c and d (5 texts) in one call, after the first
            assertThat(model.calls()).hasSize(2);
            assertThat(model.calls().get(1)).containsExactly("b1", "b2", "c1", "d1", "d2");
        }
    }

    @Test
    void aMergedCallNeverExceedsMaxTextsAndALargeCallGoesStraightToTheModel() {
        try (var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(3, NO_WAIT))) {
            model.hold();
            CompletableFuture<float[][]> first = call(batcher, List.of("a1"));
            await().atMost(Duration.ofSeconds(10)).until(model::blocked);
            List<CompletableFuture<float[][]>> queued = new ArrayList<>();
            for (String p : List.of("b", "c", "d", "e")) {
                queued.add(call(batcher, List.of(p + "1", p + "2")));
                int waiting = queued.size();
                await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == waiting);
            }
            model.release();
            first.join();
            queued.forEach(CompletableFuture::join);
            assertThat(model.calls()).allSatisfy(c -> assertThat(c).hasSizeLessThanOrEqualTo(3));
            assertThat(model.calls().stream().mapToInt(List::size).sum()).isEqualTo(9);

            List<String> big = List.of("x1", "x2", "x3", "x4");
            assertThat(batcher.embed(big)).hasNumberOfRows(4);
            assertThat(model.callThreads().getLast()).isEqualTo(Thread.currentThread().getName());
        }
    }

    @Test
    void mergedCallsRunConcurrentlyUpToMaxInFlightAndLaterCallsMergeWhileTheyRun() {
        try (var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(8, NO_WAIT, 2))) {
            model.hold();
            CompletableFuture<float[][]> first = call(batcher, List.of("a1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> model.running() == 1);
            CompletableFuture<float[][]> second = call(batcher, List.of("b1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> model.running() == 2);
            // both runners busy: these wait in the queue and then run as one call
            CompletableFuture<float[][]> third = call(batcher, List.of("c1"));
            CompletableFuture<float[][]> fourth = call(batcher, List.of("d1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == 2);
            assertThat(model.calls()).hasSize(2);
            model.release();

            assertThat(first.join()).isDeepEqualTo(vectors("a1"));
            assertThat(second.join()).isDeepEqualTo(vectors("b1"));
            assertThat(third.join()).isDeepEqualTo(vectors("c1"));
            assertThat(fourth.join()).isDeepEqualTo(vectors("d1"));
            assertThat(model.calls()).hasSize(3);
            assertThat(model.calls().getLast()).containsExactly("c1", "d1");
        }
    }

    @Test
    void aFailureReachesOnlyTheCallerWhoseTextCausedIt() {
        try (var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(10, NO_WAIT))) {
            model.hold();
            CompletableFuture<float[][]> first = call(batcher, List.of("a1"));
            await().atMost(Duration.ofSeconds(10)).until(model::blocked);
            CompletableFuture<float[][]> good = call(batcher, List.of("b1"));
            CompletableFuture<float[][]> poisoned = call(batcher, List.of("c1", "POISON"));
            CompletableFuture<float[][]> alsoGood = call(batcher, List.of("d1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == 3);
            model.release();

            assertThat(first.join()).isDeepEqualTo(vectors("a1"));
            assertThat(good.join()).isDeepEqualTo(vectors("b1"));
            assertThat(alsoGood.join()).isDeepEqualTo(vectors("d1"));
            assertThat(poisoned).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .havingCause().isInstanceOf(EmbeddingException.class).withMessageContaining("POISON");
            assertThatThrownBy(() -> batcher.embed(List.of("POISON"))).isInstanceOf(EmbeddingException.class);
        }
    }

    @Test
    void aLoneCallerIsServedAfterTheWindowWithoutWaitingForAFullBatch() {
        try (var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(64, Duration.ofMillis(5)))) {
            assertThat(call(batcher, List.of("alone"))).succeedsWithin(Duration.ofSeconds(30))
                    .satisfies(v -> assertThat(v).isDeepEqualTo(vectors("alone")));
            assertThat(batcher.embed(List.of())).isEmpty();
            assertThat(batcher.dimensions()).isEqualTo(2);
            assertThat(batcher.modelId()).isEqualTo("recording");
        }
    }

    @Test
    void aFullBatchIsDispatchedWithoutWaitingForTheWindow() {
        try (var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(3, LONG))) {
            CompletableFuture<float[][]> first = call(batcher, List.of("a1"));
            CompletableFuture<float[][]> second = call(batcher, List.of("b1", "b2"));
            // an hour's window, but three texts fill the batch: both are served at once, in one call
            assertThat(first).succeedsWithin(Duration.ofSeconds(30));
            assertThat(second).succeedsWithin(Duration.ofSeconds(30));
            assertThat(model.calls()).hasSize(1);
            assertThat(model.calls().getFirst()).containsExactlyInAnyOrder("a1", "b1", "b2");
        }
    }

    @Test
    void closeRunsTheQueuedCallsThenRefusesNewOnes() {
        var batcher = new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(2, NO_WAIT));
        model.hold();
        CompletableFuture<float[][]> running = call(batcher, List.of("a1"));
        await().atMost(Duration.ofSeconds(10)).until(model::blocked);
        List<CompletableFuture<float[][]>> queued = IntStream.range(0, 5)
                .mapToObj(i -> call(batcher, List.of("q" + i))).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == 5);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(batcher::close, callers);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> batcher.embed(List.of("late"))).isInstanceOf(EmbeddingException.class)
                        .hasMessageContaining("closed"));
        assertThat(closing).isNotDone();
        model.release();

        assertThat(closing).succeedsWithin(Duration.ofSeconds(30));
        assertThat(running.join()).isDeepEqualTo(vectors("a1"));
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).join()).isDeepEqualTo(vectors("q" + i));
        }
        assertThatThrownBy(() -> batcher.embed(List.of("x1", "x2", "x3"))).isInstanceOf(EmbeddingException.class);
        batcher.close();
        assertThat(model.calls().stream().flatMap(List::stream)).doesNotContain("late");
    }

    private static float[][] vectors(String... texts) {
        return java.util.Arrays.stream(texts).map(RecordingModel::vector).toArray(float[][]::new);
    }

    private CompletableFuture<float[][]> call(EmbeddingBatcher batcher, List<String> texts) {
        return CompletableFuture.supplyAsync(() -> batcher.embed(texts), callers);
    }

    /** Vectors derived from the text; records each call; can hold calls until released; fails on POISON. */
    private static final class RecordingModel implements EmbeddingModel {
        private final List<List<String>> calls = new CopyOnWriteArrayList<>();
        private final List<String> threads = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile boolean blocked;
        private final AtomicInteger running = new AtomicInteger();

        static float[] vector(String text) {
            return new float[] {text.hashCode(), text.length()};
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        boolean blocked() {
            return blocked;
        }

        int running() {
            return running.get();
        }

        List<List<String>> calls() {
            return calls;
        }

        List<String> callThreads() {
            return threads;
        }

        @Override
        public float[][] embed(List<String> texts) {
            calls.add(List.copyOf(texts));
            threads.add(Thread.currentThread().getName());
            blocked = true;
            running.incrementAndGet();
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
                blocked = false;
            }
            if (texts.contains("POISON")) {
                throw new EmbeddingException("cannot embed POISON", new IllegalArgumentException());
            }
            return texts.stream().map(RecordingModel::vector).toArray(float[][]::new);
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public String modelId() {
            return "recording";
        }
    }
}
