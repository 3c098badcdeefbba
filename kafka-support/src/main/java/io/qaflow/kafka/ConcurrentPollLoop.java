package io.qaflow.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
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
import org.slf4j.MDC;

/**
 * One run of a {@link ConcurrentRecordConsumer}: a platform thread polls, and every record is processed on its own
 * virtual thread, at most {@code maxInFlight} at a time, in any order across and within partitions. Records fetched
 * beyond that wait in a backlog while every partition is paused. A partition's offset is committed up to its first
 * unfinished record, so nothing is committed before it is done, and a slow record holds back only the commit, never
 * the records after it.
 *
 * <p>Every dispatched record finishes: processed, or dead-lettered when its processing throws, so no partition's
 * commits can stall on it. When partitions are revoked (the group uses the cooperative-sticky assignor, so only
 * partitions that really move are revoked), the loop waits up to {@code shutdownTimeout} for their in-flight records
 * before the final commit; records still unfinished then are redone by the new owner.
 */
final class ConcurrentPollLoop implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(ConcurrentPollLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private record Finished(TopicPartition partition, long offset) {}

    /** What a run needs besides its consumer; shared by every run of one consumer. */
    record Setup(String topic, String keyName, String groupId, RecordProcessor processor, DeadLetters deadLetters,
                 int maxInFlight, Duration pollTimeout, Duration shutdownTimeout, AtomicInteger inFlight,
                 RecordObservations observations) {}

    private final Consumer<byte[], byte[]> consumer;
    private final Setup setup;
    private final String clientId;
    private final Semaphore permits;
    private final ExecutorService workers;
    private final Deque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    // poll thread only
    private final Map<TopicPartition, Integer> unfinishedByPartition = new HashMap<>();
    private final OffsetTracker tracker = new OffsetTracker();
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile boolean crashRequested;
    private volatile boolean abandoning;
    private volatile RuntimeException injectedFailure;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile boolean polledOnce;

    ConcurrentPollLoop(Consumer<byte[], byte[]> consumer, String clientId, Setup setup) {
        this.consumer = consumer;
        this.clientId = clientId;
        this.setup = setup;
        this.permits = new Semaphore(setup.maxInFlight());
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(setup.topic() + "-", 0).factory());
    }

    void start() {
        Thread.ofPlatform().name(setup.topic() + "-poll").start(this::run);
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

    /** Makes the poll thread fail with {@code failure}, as if the consumer had thrown it (drills, tests). */
    void fail(RuntimeException failure) {
        injectedFailure = failure;
        consumer.wakeup();
    }

    boolean running() {
        return !ended.isDone();
    }

    /** Completes when the run ends, with its failure or null after a stop. */
    CompletableFuture<Throwable> ended() {
        return ended;
    }

    /** Whether a poll has returned since the run started: the consumer reached the cluster. */
    boolean polledOnce() {
        return polledOnce;
    }

    /** When the last poll returned, in {@link System#nanoTime()}. */
    long lastPollNanos() {
        return lastPollNanos;
    }

    Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        return consumer.metrics();
    }

    private void run() {
        Throwable failure = null;
        try {
            consumer.subscribe(List.of(setup.topic()), this);
            if (injectedFailure != null) {
                throw injectedFailure;
            }
            while (!stopRequested && !crashRequested) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(setup.pollTimeout())) {
                        tracker.fetched(partition(record), record.offset());
                        backlog.add(record);
                    }
                    lastPollNanos = System.nanoTime();
                    polledOnce = true;
                } catch (WakeupException e) {
                    RuntimeException injected = injectedFailure;
                    if (injected != null) {
                        throw injected;
                    }
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
            log.error("the {} consumer stopped on an error; unfinished records will be redelivered", setup.topic(), t);
            abandon();
        } finally {
            ended.complete(failure);
        }
    }

    private void dispatch() {
        while (!backlog.isEmpty() && permits.tryAcquire()) {
            ConsumerRecord<byte[], byte[]> record = backlog.poll();
            setup.inFlight().incrementAndGet();
            unfinishedByPartition.merge(partition(record), 1, Integer::sum);
            workers.execute(() -> work(record));
        }
    }

    private void work(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (key != null) {
            MDC.put(setup.keyName(), key);
        }
        try {
            setup.observations().received(record, setup.groupId(), clientId)
                    .observeChecked(() -> setup.processor().process(record));
            finished.add(new Finished(partition(record), record.offset()));
        } catch (InterruptedException e) {
            // stopping or crashing: left unfinished, so it is redelivered
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            deadLetter(record, t);
        } finally {
            MDC.remove(setup.keyName());
            setup.inFlight().decrementAndGet();
            permits.release();
        }
    }

    /** The last resort for a record whose processing threw: park it with the error and count it finished. */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        log.error("processing {}-{}@{} failed", record.topic(), record.partition(), record.offset(), error);
        for (int attempt = 1; ; attempt++) {
            try {
                setup.deadLetters().deadLetter(record, error);
                break;
            } catch (RuntimeException again) {
                if (attempt >= 3 || stopRequested || crashRequested) {
                    log.error("record {}-{}@{} could not be dead-lettered either; it is skipped", record.topic(),
                            record.partition(), record.offset(), again);
                    break;
                }
            }
        }
        finished.add(new Finished(partition(record), record.offset()));
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
        long deadline = System.nanoTime() + setup.shutdownTimeout().toNanos();
        applyFinished();
        while (!crashRequested && partitions.stream().anyMatch(unfinishedByPartition::containsKey)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("records of revoked partitions still in flight after {}; the new owner redoes them",
                        setup.shutdownTimeout());
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
        Instant giveUp = Instant.now().plus(setup.shutdownTimeout());
        while (!workers.isTerminated() && Instant.now().isBefore(giveUp)) {
            workers.awaitTermination(setup.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!workers.isTerminated()) {
            log.warn("{} records still in flight after {}; they will be redelivered", setup.inFlight().get(),
                    setup.shutdownTimeout());
            workers.shutdownNow();
            workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        applyFinished();
        commitSync(consumer.assignment());
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }

    private void abandon() {
        abandoning = true;
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
        if (!crashRequested && !abandoning) {
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
