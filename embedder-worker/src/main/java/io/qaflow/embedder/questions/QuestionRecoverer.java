package io.qaflow.embedder.questions;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.kafka.Topics;
import java.util.Objects;
import java.util.concurrent.CompletionException;
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

    public QuestionRecoverer(DeadLetters deadLetters, EventPublisher publisher, QuestionBatchProcessor processor,
                             EmbedderMetrics metrics) {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception reason) {
        deadLetters.deadLetter(record, reason);
        if (!(record.value() instanceof QuestionAsked question)) {
            return;
        }
        RequestFailed failed = processor.unpublished(question, "request dead-lettered to "
                + Topics.REQUESTS.deadLetterName() + ": " + reason.getMessage());
        try {
            publisher.publish(Topics.FAILURES, failed.requestId(), failed).join();
        } catch (CompletionException e) {
            throw new KafkaException("the failure of dead-lettered request " + failed.requestId()
                    + " was not acknowledged", e.getCause());
        }
        metrics.question("dead_letter");
    }
}
