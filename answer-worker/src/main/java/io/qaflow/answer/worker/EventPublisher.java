package io.qaflow.answer.worker;

import io.qaflow.model.kafka.ClientDefaults;
import io.qaflow.model.kafka.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * The worker's one producer (idempotent, acks=all), shared by all in-flight records. Each send returns a future that
 * completes when the broker has acknowledged the record, which is what the offset commit waits for.
 */
public final class EventPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;

    public EventPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public static EventPublisher create(String bootstrapServers, String clientId) {
        Map<String, Object> props = ClientDefaults.producer(bootstrapServers, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new EventPublisher(new KafkaProducer<>(props));
    }

    public <V> CompletableFuture<RecordMetadata> send(Topic<String, V> topic, String key, V value) {
        byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] valueBytes = topic.valueSerde().serialize(topic.name(), value);
        return send(new ProducerRecord<>(topic.name(), keyBytes, valueBytes));
    }

    /**
     * Sends a record that could not be processed to {@code deadLetterTopic}, unchanged, on a partition the producer
     * picks from its key (the dead-letter topic may have fewer partitions than the original), with the error and the record's origin in Spring Kafka's dead-letter headers
     * ({@code kafka_dlt-exception-fqcn}, {@code kafka_dlt-exception-message}, {@code kafka_dlt-original-topic},
     * {@code -partition}, {@code -offset}), so the same tooling reads every module's dead letters.
     */
    public CompletableFuture<RecordMetadata> sendDeadLetter(ConsumerRecord<byte[], byte[]> record,
                                                            String deadLetterTopic, Throwable error) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, utf8(error.getClass().getName()));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8(String.valueOf(error.getMessage())));
        if (error.getCause() != null) {
            headers.add(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN, utf8(error.getCause().getClass().getName()));
        }
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, utf8(record.topic()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(record.partition())
                .array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(record.offset()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(record.timestamp())
                .array());
        return send(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers));
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
