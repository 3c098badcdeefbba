package io.qaflow.controller.kafka;

import io.qaflow.model.kafka.Topic;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Publishes one record and returns only once the broker acknowledged it (idempotent producer, acks=all), or fails
 * with {@link PublishFailedException} after the timeout. Blocking: callers run it off the event loop.
 */
public final class StatePublisher {
    private final KafkaOperations<String, Object> kafka;
    private final Duration timeout;

    public StatePublisher(KafkaOperations<String, Object> kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    /** @return the record's offset in its partition */
    public <V> long publish(Topic<String, V> topic, String key, V value) {
        byte[] bytes = topic.valueSerde().serialize(topic.name(), value);
        try {
            return kafka.send(topic.name(), key, bytes).get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getRecordMetadata().offset();
        } catch (ExecutionException e) {
            throw new PublishFailedException(topic.name() + " " + key + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException(topic.name() + " " + key + ": no acknowledgement within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(topic.name() + " " + key + ": interrupted", e);
        } catch (RuntimeException e) {
            throw new PublishFailedException(topic.name() + " " + key + ": " + e, e);
        }
    }

    /** The broker did not acknowledge a record in time, or refused it; it may or may not have been written. */
    public static final class PublishFailedException extends RuntimeException {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
