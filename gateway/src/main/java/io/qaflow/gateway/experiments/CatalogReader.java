package io.qaflow.gateway.experiments;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import io.qaflow.kafka.CompactedTopicFollower;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the compacted {@code qa.experiments.v1} and {@code qa.prompts.v1} whole, from the beginning of every partition,
 * into the {@link ExperimentCatalog}, then follows them, with a {@link CompactedTopicFollower}: every replica reads
 * everything, and after a Kafka error it resumes after the last applied poll (never from the beginning again, which
 * would replay older states). Undeserialisable records are counted
 * ({@code qa.errors{stage=consume,code=unreadable_record}}), logged and skipped: the next record of the same key
 * replaces them anyway.
 *
 * <p>{@link #caughtUp()} turns true once the reader has reached the end offsets it found when it first connected: from
 * then on the catalog holds every experiment and default prompt published before the gateway started.
 */
public final class CatalogReader implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CatalogReader.class);
    static final List<Topic<String, ?>> TOPICS = List.of(Topics.EXPERIMENTS, Topics.PROMPTS);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final ExperimentCatalog catalog;
    private final GatewayMetrics metrics;
    private final AtomicLong recordsApplied = new AtomicLong();
    private final AtomicLong recordsSkipped = new AtomicLong();
    private final CompactedTopicFollower<String, byte[]> reader;

    public CatalogReader(CompactedTopicFollowers followers, ExperimentCatalog catalog, GatewayMetrics metrics,
                         Duration pollTimeout, Duration retryBackoff) {
        this.catalog = catalog;
        this.metrics = metrics;
        this.reader = followers.follow("qa-gateway-experiment-catalog", TOPICS, pollTimeout, 0, retryBackoff,
                new CompactedTopicFollower.Handler<>() {
                    @Override
                    public void onStart(long recordsAtStart) {
                        log.info("reading {} and {} (up to {} records)", Topics.EXPERIMENTS.name(),
                                Topics.PROMPTS.name(), recordsAtStart);
                    }

                    @Override
                    public void apply(List<ConsumerRecord<String, byte[]>> batch) {
                        batch.forEach(CatalogReader.this::apply);
                    }

                    @Override
                    public void onCaughtUp() {
                        log.info("experiment catalog caught up: {} experiments ({} running), default prompts {}",
                                catalog.experiments().size(), catalog.running().size(),
                                catalog.defaultPromptVersions());
                    }
                });
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

    /** Whether every record published before the first connection has been read. */
    public boolean caughtUp() {
        return reader.caughtUp();
    }

    public long recordsApplied() {
        return recordsApplied.get();
    }

    public long recordsSkipped() {
        return recordsSkipped.get();
    }

    /** The last Kafka error, or null since the last successful poll. */
    public String lastError() {
        return reader.lastError();
    }

    /** Records between the topics' beginning and the end offsets found at the first connection; -1 before that. */
    public long endOffsetsAtStart() {
        return reader.recordsAtStart();
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
}
