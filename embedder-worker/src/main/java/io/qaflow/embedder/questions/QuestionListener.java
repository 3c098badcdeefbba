package io.qaflow.embedder.questions;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.kafka.DeadLetters;
import io.qaflow.embedder.kafka.EventPublisher;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Handles one poll of {@code qa.requests.v1}: poison records (unreadable, or without a value) go to the dead-letter
 * topic, the rest are processed as one batch, and the listener returns, letting the container commit the offsets,
 * only after the broker has acknowledged every output. A failure to publish throws, so the error handler retries the
 * batch and finally dead-letters it; nothing is committed that was not handled.
 */
public final class QuestionListener implements BatchMessageListener<String, QuestionAsked> {
    private static final LogAccessor LOG = new LogAccessor(QuestionListener.class);

    private final QuestionBatchProcessor processor;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final EmbedderMetrics metrics;
    private final Duration sendTimeout;

    public QuestionListener(QuestionBatchProcessor processor, EventPublisher publisher, DeadLetters deadLetters,
                            EmbedderMetrics metrics, Duration sendTimeout) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
    }

    @Override
    public void onMessage(List<ConsumerRecord<String, QuestionAsked>> records) {
        List<QuestionAsked> questions = new ArrayList<>(records.size());
        for (ConsumerRecord<String, QuestionAsked> record : records) {
            if (record.value() != null) {
                questions.add(record.value());
            } else {
                deadLetter(record);
            }
        }
        RetrievalOutcome outcome = processor.process(questions);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (RequestProgressed progress : outcome.progress()) {
            sends.add(publisher.publish(Topics.PROGRESS, progress.requestId(), progress));
        }
        for (ContextRetrieved context : outcome.contexts()) {
            sends.add(publisher.publish(Topics.CONTEXTS, context.requestId(), context));
            metrics.question("retrieved");
        }
        for (RequestFailed failure : outcome.failures()) {
            sends.add(publisher.publish(Topics.FAILURES, failure.requestId(), failure));
            metrics.question(failure.errorCode().name().toLowerCase(java.util.Locale.ROOT));
        }
        awaitAcknowledged(sends);
    }

    private void deadLetter(ConsumerRecord<String, QuestionAsked> record) {
        DeserializationException cause = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
        Exception reason = cause != null ? cause
                : new IllegalArgumentException("a question record needs a value (tombstones are not questions)");
        metrics.error("embedding", "POISON_RECORD");
        LOG.warn(() -> "request record " + record.topic() + "-" + record.partition() + "@" + record.offset()
                + " sent to " + Topics.REQUESTS.deadLetterName() + ": " + reason.getMessage());
        deadLetters.publish(record, reason);
    }

    private void awaitAcknowledged(List<CompletableFuture<?>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted waiting for the broker's acknowledgements", e);
        } catch (ExecutionException | TimeoutException e) {
            metrics.error("embedding", "PUBLISH_FAILED");
            throw new KafkaException("outputs of a question batch were not acknowledged", e);
        }
    }
}
