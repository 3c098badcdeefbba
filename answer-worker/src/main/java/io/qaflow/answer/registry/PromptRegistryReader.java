package io.qaflow.answer.registry;

import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.PromptValidation;
import io.qaflow.kafka.CompactedTopicFollower;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.kafka.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link PromptCatalog} in step with the compacted prompt registry: reads it whole with a
 * {@link CompactedTopicFollower} (every replica reads everything) and keeps following it, so a version published later
 * is found by the next request that names it. Only version records ({@code name@version}) matter; the defaults (key
 * {@code name}) are the gateway's business, since requests carry a concrete version. A version the worker could not
 * render is not added (requests naming it get the fallback prompt); such records, and unreadable ones, go to the
 * topic's dead-letter topic. Once every partition's position reaches the end offset it had at start, the catalog is
 * marked loaded.
 */
public final class PromptRegistryReader implements SmartLifecycle {
    /** Starts before, and stops after, the context consumer (default phase). */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(PromptRegistryReader.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Topic<String, PromptVersion> topic;
    private final PromptCatalog catalog;
    private final DeadLetters deadLetters;
    private final AnswerMetrics metrics;
    private final CompactedTopicFollower<String, byte[]> reader;

    private volatile long recordsRead;
    private volatile long rejected;

    public PromptRegistryReader(Topic<String, PromptVersion> topic, CompactedTopicFollowers followers,
                                PromptCatalog catalog, DeadLetters deadLetters, AnswerMetrics metrics,
                                Duration pollTimeout) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.reader = followers.follow("qaflow-answer-prompts", List.of(topic),
                Objects.requireNonNull(pollTimeout, "pollTimeout"), 0, RETRY,
                new CompactedTopicFollower.Handler<>() {
                    @Override
                    public void onStart(long recordsAtStart) {
                        log.info("reading the prompt registry {} (up to {} records) from the beginning",
                                topic.name(), recordsAtStart);
                    }

                    @Override
                    public void apply(List<ConsumerRecord<String, byte[]>> batch) {
                        batch.forEach(PromptRegistryReader.this::apply);
                    }

                    @Override
                    public void onCaughtUp() {
                        catalog.markLoaded();
                        log.info("prompt registry loaded: {} prompt versions known", catalog.size());
                    }

                    @Override
                    public void onFailure(RuntimeException error) {
                        metrics.error("prompt_reader_failed");
                    }
                });
    }

    /** For the health indicator. */
    public record Status(boolean loaded, int versions, long recordsRead, long rejected) {}

    public Status status() {
        return new Status(catalog.isLoaded(), catalog.size(), recordsRead, rejected);
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop(STOP_TIMEOUT);
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        recordsRead++;
        String key = record.key();
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

    private void reject(ConsumerRecord<String, byte[]> record, String key, RuntimeException reason) {
        rejected++;
        metrics.error("prompt_rejected");
        try {
            deadLetters.deadLetter(record, reason);
        } catch (RuntimeException e) {
            // a compacted registry is read again from the start by every new worker: following on matters more
            log.error("prompt registry record {} could not be dead-lettered", key, e);
            metrics.error("undeliverable");
        }
    }
}
