package io.qaflow.embedder.questions;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.kafka.DeadLetters;
import io.qaflow.embedder.kafka.EventPublisher;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

/**
 * Gives up on a request record: sends it to {@code qa.requests.v1.dlt} and, when it is a readable question, also
 * publishes its terminal RequestFailed (EMBEDDING, INTERNAL, retryable), so no accepted request is left without a
 * terminal event. Waits for both acknowledgements and throws when either is missing, so the record is not committed.
 * Used by the listener and, for what the listener throws, by the container's error handler.
 */
public final class QuestionRecoverer implements ConsumerRecordRecoverer {
    private final DeadLetters deadLetters;
    private final EventPublisher publisher;
    private final QuestionBatchProcessor processor;
    private final EmbedderMetrics metrics;
    private final Duration sendTimeout;

    public QuestionRecoverer(DeadLetters deadLetters, EventPublisher publisher, QuestionBatchProcessor processor,
                             EmbedderMetrics metrics, Duration sendTimeout) {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception reason) {
        deadLetters.publish(record, reason);
        if (!(record.value() instanceof QuestionAsked question)) {
            return;
        }
        RequestFailed failed = processor.unpublished(question, "request dead-lettered to "
                + Topics.REQUESTS.deadLetterName() + ": " + reason.getMessage());
        try {
            publisher.publish(Topics.FAILURES, failed.requestId(), failed)
                    .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted publishing the failure of " + failed.requestId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("the failure of dead-lettered request " + failed.requestId()
                    + " was not acknowledged", e);
        }
        metrics.question("dead_letter");
    }
}
