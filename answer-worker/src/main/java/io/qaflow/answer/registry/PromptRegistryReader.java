package io.qaflow.answer.registry;

import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.PromptValidation;
import io.qaflow.answer.worker.EventPublisher;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link PromptCatalog} in step with the compacted prompt registry: reads every partition from the
 * beginning on its own daemon thread (assigned by hand: no consumer group, nothing committed, every replica reads
 * everything) and keeps following it, so a version published later is found by the next request that names it.
 * Only version records ({@code name@version}) matter; the defaults (key {@code name}) are the gateway's business,
 * since requests carry a concrete version. A version the worker could not render is not added (requests naming it
 * get the fallback prompt); such records, and unreadable ones, go to the topic's dead-letter topic. Once every
 * partition's position reaches the end offset it had at start, the catalog is marked loaded.
 */
public final class PromptRegistryReader implements SmartLifecycle {
    /** Starts before, and stops after, the context consumer (default phase). */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(PromptRegistryReader.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Topic<String, PromptVersion> topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final PromptCatalog catalog;
    private final EventPublisher deadLetters;
    private final AnswerMetrics metrics;
    private final Duration pollTimeout;

    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile long recordsRead;
    private volatile long rejected;
    private Thread thread;
    /** Next offset per partition after the last applied batch (reader thread only). */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    /** End offsets when this instance started: the target of "loaded" (reader thread only). */
    private Map<TopicPartition, Long> endAtStart;

    public PromptRegistryReader(Topic<String, PromptVersion> topic, Supplier<Consumer<byte[], byte[]>> consumers,
                                PromptCatalog catalog, EventPublisher deadLetters, AnswerMetrics metrics,
                                Duration pollTimeout) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.consumers = Objects.requireNonNull(consumers, "consumers");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
    }

    /** For the health indicator. */
    public record Status(boolean loaded, int versions, long recordsRead, long rejected) {}

    public Status status() {
        return new Status(catalog.isLoaded(), catalog.size(), recordsRead, rejected);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("qaflow-answer-prompts").daemon(true).start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void run() {
        while (running) {
            try (Consumer<byte[], byte[]> c = consumers.get()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                if (running) {
                    log.error("prompt registry consumer woken up while running", e);
                }
            } catch (RuntimeException e) {
                log.error("prompt registry consumer failed; reconnecting in {} and resuming where it stopped", RETRY,
                        e);
                metrics.error("prompt_reader_failed");
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(Consumer<byte[], byte[]> c) {
        List<TopicPartition> partitions = assignAll(c);
        for (TopicPartition partition : partitions) {
            Long next = resumeAt.get(partition);
            if (next == null) {
                c.seekToBeginning(List.of(partition));
            } else {
                c.seek(partition, next);
            }
        }
        if (endAtStart == null && !partitions.isEmpty()) {
            endAtStart = Map.copyOf(c.endOffsets(partitions));
            log.info("reading the prompt registry {} ({} partitions) from the beginning", topic.name(),
                    partitions.size());
        }
        while (running) {
            // checked before polling too: an empty registry is loaded at once, not after a poll timeout
            if (!catalog.isLoaded() && reached(c, endAtStart)) {
                catalog.markLoaded();
                log.info("prompt registry loaded: {} prompt versions known", catalog.size());
            }
            for (ConsumerRecord<byte[], byte[]> record : c.poll(pollTimeout)) {
                apply(record);
                resumeAt.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        recordsRead++;
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (key != null && !PromptVersion.isVersionKey(key)) {
            return; // a name's default: requests carry concrete versions
        }
        if (key != null && record.value() == null) {
            log.info("prompt registry record {} is a tombstone; versions are never deleted, ignoring it", key);
            return;
        }
        try {
            if (key == null) {
                throw new IllegalArgumentException("a prompt registry record needs a key");
            }
            PromptVersion version = topic.valueSerde().deserialize(record.topic(), record.value());
            String expected = PromptVersion.versionKey(version.name(), version.version());
            if (!expected.equals(key)) {
                throw new IllegalArgumentException("record key " + key + " is not the version's key " + expected);
            }
            PromptTemplate template = PromptValidation.validate(version);
            switch (catalog.register(template)) {
                case ADDED -> log.info("prompt {} is available", template.id());
                case REPLACED -> log.warn("prompt {} was published again with a different text; versions should be "
                        + "immutable, using the latest", template.id());
                case UNCHANGED -> { }
            }
        } catch (RuntimeException e) {
            reject(record, key, e);
        }
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, String key, RuntimeException reason) {
        rejected++;
        metrics.error("prompt_rejected");
        log.warn("prompt registry record {} ({}-{}@{}) is not usable, sent to {}: {}", key, record.topic(),
                record.partition(), record.offset(), topic.deadLetterName(), reason.getMessage());
        deadLetters.sendDeadLetter(record, topic.deadLetterName(), reason).whenComplete((ok, error) -> {
            if (error != null) {
                log.error("prompt registry record {} could not be dead-lettered", key, error);
                metrics.error("undeliverable");
            }
        });
    }

    private List<TopicPartition> assignAll(Consumer<byte[], byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic.name(), METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                return partitions;
            }
            log.warn("prompt registry {} has no partitions yet; waiting for it to be created", topic.name());
            pause();
        }
        return List.of();
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static boolean reached(Consumer<byte[], byte[]> c, Map<TopicPartition, Long> endAtStart) {
        if (endAtStart == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (c.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
