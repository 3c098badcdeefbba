package io.qaflow.embedder.ingest;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.kafka.CompactedTopicFollower;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Rebuilds the index from the compacted corpus topic on every start and then follows it; a
 * {@link CompactedTopicFollower} makes each instance read the whole corpus from the beginning. Each poll is one batch:
 * upserts are chunked and embedded together, tombstones delete, a later record for the same id replaces the earlier
 * one. Records that cannot be read or embedded go to the topic's dead-letter topic. A batch that changed the index
 * publishes {@link CorpusChanged}. Once every partition's position reaches the end offset it had at start,
 * {@link IndexStatus} turns caught up and {@link CorpusCaughtUp} is published.
 */
public final class CorpusIngestor implements SmartLifecycle {
    /** Starts before, and stops after, the question consumer (Spring Kafka containers run at MAX_VALUE - 100). */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(CorpusIngestor.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Topic<String, DocumentSubmitted> topic;
    private final DocumentIndexer indexer;
    private final DeadLetters deadLetters;
    private final IndexStatus status;
    private final ApplicationEventPublisher events;
    private final EmbedderMetrics metrics;
    private final CompactedTopicFollower<String, byte[]> reader;
    private volatile long started;

    public CorpusIngestor(Topic<String, DocumentSubmitted> topic, CompactedTopicFollowers followers,
                          DocumentIndexer indexer, DeadLetters deadLetters, IndexStatus status,
                          ApplicationEventPublisher events, EmbedderMetrics metrics, Duration pollTimeout,
                          int maxPollRecords) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.indexer = Objects.requireNonNull(indexer, "indexer");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.status = Objects.requireNonNull(status, "status");
        this.events = Objects.requireNonNull(events, "events");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.reader = followers.follow("qaflow-embedder-corpus", List.of(topic),
                Objects.requireNonNull(pollTimeout, "pollTimeout"), maxPollRecords, RETRY,
                new CompactedTopicFollower.Handler<>() {
                    @Override
                    public void onStart(long recordsAtStart) {
                        status.started(recordsAtStart);
                        log.info("reading corpus topic {} (up to {} records) to build the index", topic.name(),
                                recordsAtStart);
                    }

                    @Override
                    public void apply(List<ConsumerRecord<String, byte[]>> batch) {
                        applyBatch(batch);
                    }

                    @Override
                    public void onCaughtUp() {
                        caughtUp();
                    }

                    @Override
                    public void onFailure(RuntimeException error) {
                        metrics.error("ingest", "CONSUMER_FAILED");
                    }
                });
    }

    @Override
    public synchronized void start() {
        if (!reader.isRunning()) {
            started = System.nanoTime();
            reader.start();
        }
    }

    @Override
    public void stop() {
        // no time limit: the model is closed after this returns, and it must not be closed mid-embedding; the
        // thread ends after the batch in progress (stopping interrupts the poll, not the embedding)
        reader.stopAndAwaitTermination();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void caughtUp() {
        status.markCaughtUp();
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        log.info("corpus caught up: {} documents, {} chunks, version {}, in {} ms", status.documents(),
                status.chunks(), status.corpusVersion(), elapsedMs);
        events.publishEvent(new CorpusCaughtUp(status.documents(), status.chunks(), status.corpusVersion(),
                elapsedMs));
    }

    private void applyBatch(List<ConsumerRecord<String, byte[]>> records) {
        long started = System.nanoTime();
        List<DocumentChange> changes = new ArrayList<>(records.size());
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
        status.read(records.size());
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
            deadLetters.deadLetter(record, reason);
            log.warn("corpus record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                    topic.deadLetterName(), reason.toString());
        } catch (RuntimeException e) {
            log.error("corpus record {}-{}@{} could not be read ({}) nor dead-lettered", record.topic(),
                    record.partition(), record.offset(), reason, e);
            metrics.error("ingest", "DEAD_LETTER_FAILED");
        }
    }
}
