package io.qaflow.answer.worker;

import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
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
            log.error("record {}-{}@{} could not be processed; it will be redelivered", record.topic(),
                    record.partition(), record.offset(), t);
        } finally {
            inFlight.decrementAndGet();
            permits.release();
        }
    }

    private void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            tracker.finished(f.partition(), f.offset());
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
            consumer.commitSync(offsets);
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
            applyFinished();
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
