package io.qaflow.embedder.ingest;

import io.qaflow.embedder.retrieval.CorpusIndex;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live state of the corpus index: how much is indexed and whether the corpus topic has been read up to the end
 * offsets it had when this instance started. A bean other modules (the local stack) read to show progress.
 * Thread-safe.
 */
public final class IndexStatus {

    /** A consistent-enough copy for display and JSON. */
    public record Snapshot(int documents, int chunks, boolean caughtUp, String corpusVersion, long recordsRead,
                           long recordsAtStart) {}

    private final CorpusIndex index;
    private final CountDownLatch caughtUpLatch = new CountDownLatch(1);
    private final AtomicLong recordsRead = new AtomicLong();
    private volatile long recordsAtStart = -1;

    public IndexStatus(CorpusIndex index) {
        this.index = Objects.requireNonNull(index, "index");
    }

    public int documents() {
        return index.documents();
    }

    public int chunks() {
        return index.chunks();
    }

    /** Whether the corpus topic has been read up to the end offsets it had at start; stays true afterwards. */
    public boolean caughtUp() {
        return caughtUpLatch.getCount() == 0;
    }

    /** {@link CorpusIndex#corpusVersion()}: the version contexts carry and the embedder publishes. */
    public String corpusVersion() {
        return index.corpusVersion();
    }

    /** Corpus records read since start, tombstones and dead-lettered ones included. */
    public long recordsRead() {
        return recordsRead.get();
    }

    /**
     * Records between the beginning and end offsets of the corpus topic at start (an upper bound on what must be
     * read to catch up, since compaction leaves gaps); -1 until the topic's offsets are known.
     */
    public long recordsAtStart() {
        return recordsAtStart;
    }

    public Snapshot snapshot() {
        return new Snapshot(documents(), chunks(), caughtUp(), corpusVersion(), recordsRead(), recordsAtStart());
    }

    /** Blocks until caught up or the timeout passes; returns whether caught up. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUpLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void started(long backlog) {
        recordsAtStart = backlog;
    }

    void read(int records) {
        recordsRead.addAndGet(records);
    }

    void markCaughtUp() {
        caughtUpLatch.countDown();
    }
}
