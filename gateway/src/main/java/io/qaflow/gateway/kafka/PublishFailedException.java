package io.qaflow.gateway.kafka;

/** The broker did not acknowledge an event in time (Kafka unreachable, topic unavailable, timeout). */
public final class PublishFailedException extends RuntimeException {
    public PublishFailedException(String topic, String reason, Throwable cause) {
        super("could not publish to " + topic + ": " + reason, cause);
    }
}
