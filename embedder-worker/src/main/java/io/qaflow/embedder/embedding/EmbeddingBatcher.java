package io.qaflow.embedder.embedding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Dynamic batching across concurrent callers: small {@link #embed} calls (each question consumer's poll, a short
 * document) wait at most {@code window} for others and run as one model call of at most {@code maxTexts} texts, so
 * the model sees full batches under load and a lone caller pays at most the window. A call of {@code maxTexts} texts
 * or more is already a batch and goes straight to the model in the caller's thread.
 *
 * <p>One dispatcher thread collects merged calls and hands them to {@code maxInFlight} runner threads (set it to the
 * model's parallel inferences, so a merged call too small to fill them all does not leave the others idle); while all
 * runners are busy, new calls wait in the queue and form the next, larger merged call. Each caller gets its own vectors
 * in its own order. If a merged call fails, every caller's texts are embedded again on their
 * own, so a failure reaches only the caller whose texts caused it. {@link #close} stops taking calls, finishes those
 * already queued and stops the dispatcher; it does not close the wrapped model.
 */
public final class EmbeddingBatcher implements EmbeddingModel, AutoCloseable {

    /**
     * @param maxTexts most texts in one merged model call; calls this large or larger are not merged
     * @param window longest a call waits for others after the dispatcher picked it up
     * @param maxInFlight merged calls running at once
     */
    public record Settings(int maxTexts, Duration window, int maxInFlight) {
        public Settings {
            if (maxTexts < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("maxTexts and maxInFlight must be >= 1");
            }
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("window must not be negative");
            }
        }

        /** One merged call at a time. */
        public Settings(int maxTexts, Duration window) {
            this(maxTexts, window, 1);
        }
    }

    private record Call(List<String> texts, CompletableFuture<float[][]> result) {}

    private static final Call STOP = new Call(List.of(), new CompletableFuture<>());

    private final EmbeddingModel model;
    private final Settings settings;
    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private final Semaphore inFlight;
    private final ExecutorService runners;
    /** Callers enqueue under the read lock; close flips {@code closed} and enqueues STOP under the write lock. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** A call taken from the queue that did not fit the previous batch (dispatcher thread only). */
    private Call carried;

    public EmbeddingBatcher(EmbeddingModel model, Settings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.inFlight = new Semaphore(settings.maxInFlight());
        AtomicInteger n = new AtomicInteger();
        this.runners = Executors.newFixedThreadPool(settings.maxInFlight(), r -> Thread.ofPlatform().daemon()
                .name("qaflow-embedding-batch-" + n.incrementAndGet()).unstarted(r));
        this.dispatcher = Thread.ofPlatform().daemon().name("qaflow-embedding-batcher").start(this::dispatch);
    }

    @Override
    public float[][] embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        if (texts.size() >= settings.maxTexts()) {
            ensureOpen();
            return model.embed(texts);
        }
        Call call = new Call(List.copyOf(texts), new CompletableFuture<>());
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            queue.add(call);
        } finally {
            lifecycle.readLock().unlock();
        }
        return await(call.result());
    }

    private void ensureOpen() {
        if (closed) {
            throw new EmbeddingException("the embedding batcher is closed", new IllegalStateException("closed"));
        }
    }

    private static float[][] await(CompletableFuture<float[][]> result) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the call is queued and will run: wait for it rather than abandon it
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new EmbeddingException("embedding failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void dispatch() {
        try {
            while (true) {
                inFlight.acquire();
                List<Call> calls = nextBatch();
                if (calls.isEmpty()) {
                    inFlight.release();
                    break;
                }
                runners.execute(() -> {
                    try {
                        run(calls);
                    } finally {
                        inFlight.release();
                    }
                });
            }
            inFlight.acquire(settings.maxInFlight()); // the last merged calls finish before close returns
        } catch (InterruptedException e) {
            failQueued(new EmbeddingException("the embedding batcher was interrupted", e));
        } finally {
            runners.shutdown();
        }
    }

    /** The next merged call: the first waiting call plus those arriving within the window, up to maxTexts. */
    private List<Call> nextBatch() throws InterruptedException {
        Call first = carried != null ? carried : queue.take();
        carried = null;
        if (first == STOP) {
            return List.of();
        }
        List<Call> calls = new ArrayList<>();
        calls.add(first);
        int texts = first.texts().size();
        long deadline = System.nanoTime() + settings.window().toNanos();
        while (texts < settings.maxTexts()) {
            Call next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            if (next == STOP || texts + next.texts().size() > settings.maxTexts()) {
                carried = next;
                break;
            }
            calls.add(next);
            texts += next.texts().size();
        }
        return calls;
    }

    private void run(List<Call> calls) {
        if (calls.size() == 1) {
            runAlone(calls.getFirst());
            return;
        }
        List<String> texts = new ArrayList<>();
        calls.forEach(c -> texts.addAll(c.texts()));
        float[][] vectors;
        try {
            vectors = model.embed(texts);
        } catch (RuntimeException merged) {
            calls.forEach(this::runAlone); // isolate the failure to the caller(s) whose texts cause it
            return;
        }
        int offset = 0;
        for (Call c : calls) {
            float[][] own = new float[c.texts().size()][];
            System.arraycopy(vectors, offset, own, 0, own.length);
            offset += own.length;
            c.result().complete(own);
        }
    }

    private void runAlone(Call call) {
        try {
            call.result().complete(model.embed(call.texts()));
        } catch (RuntimeException e) {
            call.result().completeExceptionally(e);
        }
    }

    private void failQueued(RuntimeException cause) {
        if (carried != null && carried != STOP) {
            carried.result().completeExceptionally(cause);
        }
        for (Call c; (c = queue.poll()) != null; ) {
            c.result().completeExceptionally(cause);
        }
    }

    /** Calls waiting for the dispatcher (for tests). */
    int queued() {
        return queue.size();
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    /** Refuses new calls, runs the queued ones, and waits (up to a minute) for the dispatcher to stop. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        } finally {
            lifecycle.writeLock().unlock();
        }
        try {
            if (!dispatcher.join(Duration.ofMinutes(1))) {
                dispatcher.interrupt();
            }
        } catch (InterruptedException e) {
            dispatcher.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
