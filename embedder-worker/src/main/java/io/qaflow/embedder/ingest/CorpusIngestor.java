package io.qaflow.embedder.ingest;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.kafka.DeadLetters;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Rebuilds the index from the compacted corpus topic on every start and then follows it. The consumer is assigned
 * every partition by hand (no consumer group, nothing committed), so each instance reads the whole corpus from the
 * beginning. Each poll is one batch: upserts are chunked and embedded together, tombstones delete, a later record
 * for the same id replaces the earlier one. Records that cannot be read or embedded go to the topic's dead-letter
 * topic. A batch that changed the index publishes {@link CorpusChanged}. Once every partition's position reaches the
 * end offset it had at start, {@link IndexStatus} turns caught up and {@link CorpusCaughtUp} is published.
 */
public final class CorpusIngestor implements SmartLifecycle {
    /** Starts before, and stops after, the question consumer (Spring Kafka containers run at MAX_VALUE - 100). */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(CorpusIngestor.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Topic<String, DocumentSubmitted> topic;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final DocumentIndexer indexer;
    private final DeadLetters deadLetters;
    private final IndexStatus status;
    private final ApplicationEventPublisher events;
    private final EmbedderMetrics metrics;
    private final Duration pollTimeout;

    private volatile boolean running;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;
    /** Next offset per partition after the last applied batch (ingestion thread only). */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    /** End offsets when this instance started: the target of "caught up" (ingestion thread only). */
    private Map<TopicPartition, Long> endAtStart;

    public CorpusIngestor(Topic<String, DocumentSubmitted> topic, Supplier<Consumer<String, byte[]>> consumers,
                          DocumentIndexer indexer, DeadLetters deadLetters, IndexStatus status,
                          ApplicationEventPublisher events, EmbedderMetrics metrics, Duration pollTimeout) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.consumers = Objects.requireNonNull(consumers, "consumers");
        this.indexer = Objects.requireNonNull(indexer, "indexer");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.status = Objects.requireNonNull(status, "status");
        this.events = Objects.requireNonNull(events, "events");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("qaflow-embedder-corpus").daemon(true).start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            // no time limit: the model is closed after this returns, and it must not be closed mid-embedding; the
            // thread ends after the batch in progress (wakeup() interrupts the poll, not the embedding)
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
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
        long started = System.nanoTime();
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                follow(c, started);
            } catch (WakeupException e) {
                if (running) {
                    log.error("corpus consumer woken up while running", e);
                }
            } catch (RuntimeException e) {
                log.error("corpus consumer failed; reconnecting in {} and resuming where it stopped", RETRY, e);
                metrics.error("ingest", "CONSUMER_FAILED");
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    /** Reads the corpus (resuming after a reconnect where the previous consumer stopped) until stopped. */
    private void follow(Consumer<String, byte[]> c, long started) {
        List<TopicPartition> partitions = assignAll(c);
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
            status.started(end.entrySet().stream()
                    .mapToLong(e -> e.getValue() - beginning.getOrDefault(e.getKey(), 0L)).sum());
            endAtStart = Map.copyOf(end);
            log.info("reading corpus topic {} ({} partitions, up to {} records) to build the index", topic.name(),
                    partitions.size(), status.recordsAtStart());
        }
        while (running) {
            ConsumerRecords<String, byte[]> records = c.poll(pollTimeout);
            if (!records.isEmpty()) {
                applyBatch(records);
                for (TopicPartition partition : records.partitions()) {
                    resumeAt.put(partition, c.position(partition));
                }
            }
            if (!status.caughtUp() && reached(c, endAtStart)) {
                status.markCaughtUp();
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                log.info("corpus caught up: {} documents, {} chunks, version {}, in {} ms", status.documents(),
                        status.chunks(), status.corpusVersion(), elapsedMs);
                events.publishEvent(new CorpusCaughtUp(status.documents(), status.chunks(), status.corpusVersion(),
                        elapsedMs));
            }
        }
    }

    private List<TopicPartition> assignAll(Consumer<String, byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic.name(), METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                return partitions;
            }
            log.warn("corpus topic {} has no partitions yet; waiting for it to be created", topic.name());
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

    private static boolean reached(Consumer<String, byte[]> c, Map<TopicPartition, Long> endAtStart) {
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (c.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void applyBatch(ConsumerRecords<String, byte[]> records) {
        long started = System.nanoTime();
        List<DocumentChange> changes = new ArrayList<>(records.count());
        Map<DocumentChange, ConsumerRecord<String, byte[]>> origins = new IdentityHashMap<>();
        int deadLettered = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                DocumentChange change = toChange(record);
                changes.add(change);
                origins.put(change, record);
            } catch (SerializationException | IllegalArgumentException e) {
                deadLetter(record, e);
                deadLettered++;
            }
        }
        DocumentIndexer.Result result = indexer.apply(changes);
        for (DocumentIndexer.Failure failure : result.failures()) {
            log.warn("document {} could not be indexed: {}", failure.change().documentId(),
                    failure.error().toString());
            metrics.error("ingest", "EMBEDDING_FAILED");
            deadLetter(origins.get(failure.change()), failure.error());
            deadLettered++;
        }
        status.read(records.count());
        if (result.upserted() > 0 || result.deleted() > 0) {
            events.publishEvent(new CorpusChanged(status.corpusVersion()));
        }
        metrics.documents("upsert", result.upserted());
        metrics.documents("delete", result.deleted());
        metrics.documents("dead_letter", deadLettered);
        metrics.latency("index", Duration.ofNanos(System.nanoTime() - started));
    }

    private DocumentChange toChange(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null || record.key().isBlank()) {
            throw new IllegalArgumentException("a corpus record needs its document id as key");
        }
        if (record.value() == null) {
            return new DocumentChange.Delete(record.key());
        }
        DocumentSubmitted document = topic.valueSerde().deserialize(record.topic(), record.value());
        if (!document.documentId().equals(record.key())) {
            throw new IllegalArgumentException("record key " + record.key() + " is not the document id "
                    + document.documentId());
        }
        return new DocumentChange.Upsert(document);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, Exception reason) {
        metrics.error("ingest", "DEAD_LETTER");
        try {
            deadLetters.publish(record, reason);
            log.warn("corpus record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                    topic.deadLetterName(), reason.toString());
        } catch (RuntimeException e) {
            log.error("corpus record {}-{}@{} could not be read ({}) nor dead-lettered", record.topic(),
                    record.partition(), record.offset(), reason, e);
            metrics.error("ingest", "DEAD_LETTER_FAILED");
        }
    }
}
