package io.qaflow.embedder.questions;

import io.qaflow.kafka.EventPublisher;
import io.qaflow.model.kafka.Topic;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** One event a question batch must get acknowledged, keyed (and partitioned) by its request id. */
record Output<V>(Topic<String, V> topic, String requestId, V event) {
    Output {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(event, "event");
    }

    CompletableFuture<?> send(EventPublisher publisher) {
        try {
            return publisher.publish(topic, requestId, event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
