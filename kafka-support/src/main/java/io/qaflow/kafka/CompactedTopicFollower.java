package io.qaflow.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads compacted topics whole and then follows them, on a daemon thread of its own. Every partition is assigned by
 * hand (no consumer group, nothing committed), so every instance reads everything; topics that do not exist yet are
 * waited for. The first connection reads from the beginning and records the end offsets of that moment: once every
 * partition's position reached them, the reader is {@link #caughtUp() caught up}. A Kafka error closes the consumer
 * and, after a pause, a new one resumes after the last applied batch: never from the beginning again, which would
 * replay older states.
 *
 * @param <K> record key type
 * @param <V> record value type
 */
public final class CompactedTopicFollower<K, V> {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopicFollower.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** What the owner does with the records; every method runs on the reader thread. */
    public interface Handler<K, V> {
        /**
         * Once, at the first connection, before any record: the topics then held up to {@code recordsAtStart}
         * records (end minus beginning offsets; fewer where compaction left gaps).
         */
        default void onStart(long recordsAtStart) {
        }

        /**
         * The records of one poll, never empty; they count as read once this returns. When it throws, the whole batch
         * is read again after the reconnection (records applied before the failure included): for compacted state a
         * replay in order ends in the same state.
         */
        void apply(List<ConsumerRecord<K, V>> batch);

        /** Once, when every partition reached its end offset of the first connection (again if this throws). */
        void onCaughtUp();

        /** After a Kafka error, before the pause and the reconnection. */
        default void onFailure(RuntimeException error) {
        }
    }

    private final String threadName;
    private final List<String> topics;
    private final Supplier<Consumer<K, V>> consumers;
    private final Duration pollTimeout;
    private final Duration retryPause;
    private final Handler<K, V> handler;
    /** Next offset per partition after the last applied batch; the reader thread's alone. */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();

    private volatile Map<TopicPartition, Long> endAtStart;
    private volatile long recordsAtStart = -1;
    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile String lastError;
    private volatile Consumer<K, V> consumer;
    private volatile CountDownLatch stopSignal = new CountDownLatch(0);
    private Thread thread;

    public CompactedTopicFollower(String threadName, List<String> topics, Supplier<Consumer<K, V>> consumers,
                                Duration pollTimeout, Duration retryPause, Handler<K, V> handler) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.topics = List.copyOf(topics);
        this.consumers = Objects.requireNonNull(consumers, "consumers");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.retryPause = Objects.requireNonNull(retryPause, "retryPause");
        this.handler = Objects.requireNonNull(handler, "handler");
        if (this.topics.isEmpty()) {
            throw new IllegalArgumentException("no topics to read");
        }
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopSignal = new CountDownLatch(1);
        thread = Thread.ofPlatform().name(threadName).daemon(true).start(this::run);
    }

    /**
     * Stops polling and waits up to {@code maxWait} for the thread to end; a batch being applied is not interrupted,
     * so it may outlast the wait.
     */
    public synchronized void stop(Duration maxWait) {
        Thread reader = signalStop();
        if (reader != null) {
            try {
                reader.join(maxWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops polling and waits, however long it takes, until the batch in progress is applied and the thread ended. */
    public synchronized void stopAndAwaitTermination() {
        Thread reader = signalStop();
        if (reader == null) {
            return;
        }
        boolean interrupted = false;
        while (reader.isAlive()) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread signalStop() {
        running = false;
        stopSignal.countDown();
        Consumer<K, V> current = consumer;
        if (current != null) {
            current.wakeup(); // interrupts a poll, not a batch being applied
        }
        Thread reader = thread;
        thread = null;
        return reader;
    }

    public boolean isRunning() {
        return running;
    }

    /** Whether every record published before the first connection has been read (and {@code onCaughtUp} ran). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** The last Kafka error or missing topic, or null since the last successful poll. */
    public String lastError() {
        return lastError;
    }

    /** The metrics of the current consumer (none between reconnections), for the lag gauge. */
    List<Map<MetricName, ? extends Metric>> clientMetrics() {
        Consumer<K, V> current = consumer;
        return current == null ? List.of() : List.of(current.metrics());
    }

    List<String> topics() {
        return topics;
    }

    /** Records between the topics' beginning and end offsets at the first connection; -1 before that. */
    public long recordsAtStart() {
        return recordsAtStart;
    }

    private void run() {
        while (running) {
            try (Consumer<K, V> c = consumers.get()) {
                consumer = c;
                if (running) { // stop() may have come before the consumer could be woken up
                    follow(c);
                }
            } catch (WakeupException e) {
                if (running) {
                    log.error("{}: consumer woken up while running; reconnecting", threadName, e);
                }
            } catch (RuntimeException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("{}: reading {} failed; reconnecting in {} and resuming where it stopped", threadName,
                        topics, retryPause, e);
                handler.onFailure(e);
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(Consumer<K, V> c) {
        List<TopicPartition> partitions = assignAll(c);
        if (partitions.isEmpty()) {
            return;
        }
        for (TopicPartition partition : partitions) {
            Long next = resumeAt.get(partition);
            if (next == null) {
                c.seekToBeginning(List.of(partition));
            } else {
                c.seek(partition, next);
            }
        }
        if (endAtStart == null) {
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            Map<TopicPartition, Long> beginning = c.beginningOffsets(partitions);
            recordsAtStart = end.entrySet().stream()
                    .mapToLong(e -> e.getValue() - beginning.getOrDefault(e.getKey(), 0L)).sum();
            endAtStart = Map.copyOf(end);
            handler.onStart(recordsAtStart);
        }
        while (running) {
            // checked before polling too: an empty topic is caught up at once, not after a poll timeout
            if (!caughtUp && reached(c)) {
                handler.onCaughtUp();
                caughtUp = true;
            }
            ConsumerRecords<K, V> records = c.poll(pollTimeout);
            lastError = null;
            if (!records.isEmpty()) {
                List<ConsumerRecord<K, V>> batch = new ArrayList<>(records.count());
                records.forEach(batch::add);
                handler.apply(batch);
                for (ConsumerRecord<K, V> record : batch) {
                    resumeAt.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
            }
        }
    }

    /** Assigns every partition of every topic, waiting for topics that do not exist yet; empty once stopped. */
    private List<TopicPartition> assignAll(Consumer<K, V> c) {
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (missing.isEmpty()) {
                c.assign(partitions);
                return partitions;
            }
            lastError = "no partitions yet for " + missing;
            log.warn("{}: waiting for {} to be created", threadName, missing);
            pause();
        }
        return List.of();
    }

    private boolean reached(Consumer<K, V> c) {
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (c.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Sleeps for the retry pause, or less when stopped meanwhile. */
    private void pause() {
        try {
            stopSignal.await(retryPause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
