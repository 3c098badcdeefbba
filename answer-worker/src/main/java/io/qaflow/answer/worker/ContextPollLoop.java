package io.qaflow.answer.worker;

import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the {@code qa.contexts.v1} consumer: a platform thread polls, and every record is processed on its
 * own virtual thread, at most {@code maxInFlight} at a time, in any order across and within partitions. Records
 * fetched beyond that wait in a backlog while every partition is paused. A partition's offset is committed up to
 * its first unfinished record, so nothing is committed before its output is acknowledged, and a slow record holds
 * back only the commit, never the records after it.
 *
 * <p>Every dispatched record finishes: answered, or dead-lettered when its processing throws anything unexpected,
 * so no partition's commits can stall on it. When partitions are revoked (the group uses the cooperative-sticky
 * assignor, so only partitions that really move are revoked), the loop waits up to {@code shutdownTimeout} for
 * their in-flight records before the final commit; records still unfinished then are redone by the new owner.
 */
final class ContextPollLoop implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(ContextPollLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private record Finished(TopicPartition partition, long offset) {}

    private final Consumer<byte[], byte[]> consumer;
    private final ContextRecordProcessor processor;
    private final Duration pollTimeout;
    private final Duration shutdownTimeout;
    private final Semaphore permits;
    private final AtomicInteger inFlight;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("answer-", 0).factory());
    private final Deque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    // poll thread only
    private final Map<TopicPartition, Integer> unfinishedByPartition = new HashMap<>();
    private final OffsetTracker tracker = new OffsetTracker();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile boolean crashRequested;
    private volatile Throwable failure;

    ContextPollLoop(Consumer<byte[], byte[]> consumer, ContextRecordProcessor processor, int maxInFlight,
                    Duration pollTimeout, Duration shutdownTimeout, AtomicInteger inFlight) {
        this.consumer = consumer;
        this.processor = processor;
        this.pollTimeout = pollTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.permits = new Semaphore(maxInFlight);
        this.inFlight = inFlight;
    }

    void start() {
        Thread.ofPlatform().name("answer-poll").start(this::run);
    }

    /** Stops polling, waits a bounded time for in-flight records, commits what is finished, closes. */
    void stop() {
        stopRequested = true;
        consumer.wakeup();
        ended.join();
    }

    /** Simulates a crash: abandons in-flight records and closes the consumer without committing anything. */
    void crash() {
        crashRequested = true;
        consumer.wakeup();
        ended.join();
    }

    boolean running() {
        return !ended.isDone();
    }

    Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.CONTEXTS.name()), this);
            while (!stopRequested && !crashRequested) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                        tracker.fetched(partition(record), record.offset());
                        backlog.add(record);
                    }
                } catch (WakeupException e) {
                    continue;
                }
                dispatch();
                applyFinished();
                commitAsync();
                pauseWhileBacklogged();
            }
            if (crashRequested) {
                abandon();
            } else {
                drainAndClose();
            }
        } catch (Throwable t) {
            failure = t;
            log.error("the qa.contexts.v1 consumer stopped on an error; unfinished records will be redelivered", t);
            abandon();
        } finally {
            ended.complete(null);
        }
    }

    private void dispatch() {
        while (!backlog.isEmpty() && permits.tryAcquire()) {
            ConsumerRecord<byte[], byte[]> record = backlog.poll();
            inFlight.incrementAndGet();
            unfinishedByPartition.merge(partition(record), 1, Integer::sum);
            workers.execute(() -> work(record));
        }
    }

    private void work(ConsumerRecord<byte[], byte[]> record) {
        try {
            processor.process(record);
            finished.add(new Finished(partition(record), record.offset()));
        } catch (InterruptedException e) {
            // stopping or crashing: left unfinished, so it is redelivered
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            deadLetter(record, t);
        } finally {
            inFlight.decrementAndGet();
            permits.release();
        }
    }

    /** The last resort for a record whose processing threw: park it with the error and count it finished. */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        try {
            processor.deadLetterUnexpected(record, error);
            finished.add(new Finished(partition(record), record.offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable again) {
            log.error("record {}-{}@{} could not be dead-lettered either; it is skipped", record.topic(),
                    record.partition(), record.offset(), again);
            finished.add(new Finished(partition(record), record.offset()));
        }
    }

    private void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            apply(f);
        }
    }

    private void apply(Finished f) {
        tracker.finished(f.partition(), f.offset());
        unfinishedByPartition.computeIfPresent(f.partition(), (p, n) -> n > 1 ? n - 1 : null);
    }

    /** Waits up to {@code shutdownTimeout} for the in-flight records of {@code partitions} to finish. */
    private void awaitInFlight(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        applyFinished();
        while (!crashRequested && partitions.stream().anyMatch(unfinishedByPartition::containsKey)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("records of revoked partitions still in flight after {}; the new owner redoes them",
                        shutdownTimeout);
                return;
            }
            try {
                Finished f = finished.poll(left, TimeUnit.NANOSECONDS);
                if (f != null) {
                    apply(f);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        if (offsets.isEmpty()) {
            return;
        }
        tracker.committed(offsets);
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error != null) {
                log.debug("offset commit failed, will retry: {}", error.toString());
                tracker.commitFailed(offsets.keySet());
            }
        });
    }

    private void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                // a stop's wakeup that no poll consumed: it fires once, so the retry runs undisturbed
                consumer.commitSync(offsets);
            }
            tracker.committed(offsets);
        } catch (KafkaException e) {
            log.warn("offset commit failed; those records will be redelivered: {}", e.toString());
        }
    }

    private void pauseWhileBacklogged() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (!backlog.isEmpty()) {
            if (!consumer.paused().containsAll(assigned)) {
                consumer.pause(assigned);
            }
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void drainAndClose() throws InterruptedException {
        workers.shutdown();
        Instant giveUp = Instant.now().plus(shutdownTimeout);
        while (!workers.isTerminated() && Instant.now().isBefore(giveUp)) {
            workers.awaitTermination(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!workers.isTerminated()) {
            log.warn("{} records still in flight after {}; they will be redelivered", inFlight.get(),
                    shutdownTimeout);
            workers.shutdownNow();
            workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        applyFinished();
        commitSync(consumer.assignment());
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }

    private void abandon() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            log.debug("closing the consumer failed", e);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!crashRequested && failure == null) {
            awaitInFlight(partitions);
            commitSync(partitions);
        }
        backlog.removeIf(r -> partitions.contains(partition(r)));
        tracker.forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        backlog.removeIf(r -> partitions.contains(partition(r)));
        tracker.forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // progress starts with the first record fetched
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}
