package io.qaflow.embedder.kafka;

import io.qaflow.model.kafka.Topic;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * Sends a record that cannot be processed to {@code <topic>.dlt}, with the original bytes and Spring Kafka's
 * {@code kafka_dlt-*} headers (exception, message, stack trace, original topic/partition/offset). Waits for the
 * broker's acknowledgement and throws when there is none, so the caller never commits past a lost record.
 */
public final class DeadLetters {
    private final DeadLetterPublishingRecoverer recoverer;

    public DeadLetters(KafkaOperations<String, Object> template) {
        this.recoverer = new DeadLetterPublishingRecoverer(Objects.requireNonNull(template, "template"),
                (record, exception) -> new TopicPartition(record.topic() + Topic.DEAD_LETTER_SUFFIX, -1));
        this.recoverer.setFailIfSendResultIsError(true);
    }

    public void publish(ConsumerRecord<?, ?> record, Exception reason) {
        recoverer.accept(record, reason);
    }

    /** The recoverer, for Spring Kafka's error handler. */
    public DeadLetterPublishingRecoverer recoverer() {
        return recoverer;
    }
}
