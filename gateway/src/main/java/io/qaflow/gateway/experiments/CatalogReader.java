package io.qaflow.gateway.experiments;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the compacted {@code qa.experiments.v1} and {@code qa.prompts.v1} whole, from the beginning of every partition,
 * into the {@link ExperimentCatalog}, then follows them. Every replica reads everything, so there is no consumer group
 * and nothing is committed. A daemon thread of its own polls; a Kafka error closes the consumer and a new one resumes
 * after the last applied record (never from the beginning again, which would replay older states). Undeserialisable
 * records are counted ({@code qa.errors{stage=consume,code=unreadable_record}}), logged and skipped: the next record of
 * the same key replaces them anyway.
 *
 * <p>{@link #caughtUp()} turns true once the reader has reached the end offsets it found when it first connected: from
 * then on the catalog holds every experiment and default prompt published before the gateway started.
 */
public final class CatalogReader implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CatalogReader.class);
    static final List<Topic<String, ?>> TOPICS = List.of(Topics.EXPERIMENTS, Topics.PROMPTS);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final ExperimentCatalog catalog;
    private final GatewayMetrics metrics;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    /** Next offset to read per partition, after the last applied record; the reader thread's alone. */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private final AtomicLong recordsApplied = new AtomicLong();
    private final AtomicLong recordsSkipped = new AtomicLong();
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    private volatile Map<TopicPartition, Long> endAtStart;
    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile String lastError;
    private volatile Consumer<String, byte[]> consumer;
    private volatile Thread thread;

    public CatalogReader(Supplier<Consumer<String, byte[]>> consumers, ExperimentCatalog catalog, GatewayMetrics metrics,
                         Duration pollTimeout, Duration retryBackoff) {
        this.consumers = consumers;
        this.catalog = catalog;
        this.metrics = metrics;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread reader = new Thread(this::run, "qa-gateway-experiment-catalog");
        reader.setDaemon(true);
        thread = reader;
        reader.start();
    }

    @Override
    public void stop() {
        Thread reader;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            reader = thread;
        }
        stopSignal.countDown();
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            reader.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether every record published before the first connection has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public long recordsApplied() {
        return recordsApplied.get();
    }

    public long recordsSkipped() {
        return recordsSkipped.get();
    }

    /** The last Kafka error, or null since the last successful poll. */
    public String lastError() {
        return lastError;
    }

    /** Records between the topics' beginning and the end offsets found at the first connection; -1 before that. */
    public long endOffsetsAtStart() {
        Map<TopicPartition, Long> end = endAtStart;
        return end == null ? -1 : end.values().stream().mapToLong(Long::longValue).sum();
    }

    private void run() {
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                if (running) {
                    follow(c);
                }
            } catch (WakeupException e) {
                // stop() woke the consumer up
            } catch (RuntimeException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("experiment catalog reader failed; reconnecting in {} and resuming where it stopped: {}",
                        retryBackoff, lastError);
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(Consumer<String, byte[]> c) {
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
            endAtStart = Map.copyOf(c.endOffsets(partitions));
            log.info("reading {} and {} ({} partitions, up to {} records)", Topics.EXPERIMENTS.name(),
                    Topics.PROMPTS.name(), partitions.size(), endOffsetsAtStart());
        }
        while (running) {
            ConsumerRecords<String, byte[]> records = c.poll(pollTimeout);
            lastError = null;
            for (ConsumerRecord<String, byte[]> record : records) {
                apply(record);
                resumeAt.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            if (!caughtUp && reached(c, endAtStart)) {
                caughtUp = true;
                log.info("experiment catalog caught up: {} experiments ({} running), default prompts {}",
                        catalog.experiments().size(), catalog.running().size(), catalog.defaultPromptVersions());
            }
        }
    }

    /** Assigns every partition of both topics, waiting for topics that do not exist yet. */
    private List<TopicPartition> assignAll(Consumer<String, byte[]> c) {
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (Topic<String, ?> topic : TOPICS) {
                List<PartitionInfo> infos = c.partitionsFor(topic.name(), METADATA_TIMEOUT);
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic.name());
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (missing.isEmpty()) {
                c.assign(partitions);
                return partitions;
            }
            lastError = "no partitions yet for " + missing;
            log.info("waiting for {} to be created", missing);
            pause();
        }
        return List.of();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.key() == null) {
                throw new IllegalArgumentException("record without a key");
            }
            if (record.topic().equals(Topics.EXPERIMENTS.name())) {
                applyExperiment(record);
            } else {
                applyPrompt(record);
            }
            recordsApplied.incrementAndGet();
        } catch (SerializationException | IllegalArgumentException e) {
            recordsSkipped.incrementAndGet();
            metrics.error("consume", "unreadable_record");
            log.warn("skipping an unreadable record {}-{}@{} (key {}): {}", record.topic(), record.partition(),
                    record.offset(), record.key(), e.getMessage());
        }
    }

    private void applyExperiment(ConsumerRecord<String, byte[]> record) {
        ExperimentState state = Topics.EXPERIMENTS.valueSerde().deserialize(record.topic(), record.value());
        if (state != null && !state.experimentId().equals(record.key())) {
            throw new IllegalArgumentException("key does not match experimentId " + state.experimentId());
        }
        catalog.experiment(record.key(), state);
    }

    private void applyPrompt(ConsumerRecord<String, byte[]> record) {
        if (PromptVersion.isVersionKey(record.key())) {
            return; // the gateway only needs each name's default; the answer workers read the versions
        }
        PromptVersion version = Topics.PROMPTS.valueSerde().deserialize(record.topic(), record.value());
        if (version != null && !PromptVersion.defaultKey(version.name()).equals(record.key())) {
            throw new IllegalArgumentException("key does not match the default key of " + version.name());
        }
        catalog.defaultPrompt(record.key(), version);
    }

    private static boolean reached(Consumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (c.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void pause() {
        try {
            stopSignal.await(retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
