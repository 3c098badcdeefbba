package io.qaflow.embedder.kafka;

import io.qaflow.model.kafka.Topic;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/** Publishes events with their topic's serde through the idempotent, acks=all producer. */
public final class EventPublisher {
    private final KafkaTemplate<String, Object> template;

    public EventPublisher(KafkaTemplate<String, Object> template) {
        this.template = Objects.requireNonNull(template, "template");
    }

    public <V> CompletableFuture<SendResult<String, Object>> publish(Topic<String, V> topic, String key, V value) {
        byte[] bytes = topic.valueSerde().serialize(topic.name(), value);
        return template.send(new ProducerRecord<>(topic.name(), key, bytes));
    }
}
