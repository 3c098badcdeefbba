package io.qaflow.answer.it;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.EventIds;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plays the embedder: publishes ContextRetrieved events (and, for the poison tests, raw bytes). */
final class ContextPublisher implements AutoCloseable {
    static final SourceChunk GEOGRAPHY = new SourceChunk("geo", "geo#0", "Capitals", 0.9,
            "Paris is the capital of France. Berlin is the capital of Germany. Madrid is the capital of Spain.");
    static final String QUESTION = "What is the capital of Germany?";
    static final String EXPECTED_FAKE_ANSWER = "Berlin is the capital of Germany.";

    private final KafkaProducer<byte[], byte[]> producer;

    ContextPublisher(String bootstrapServers) {
        Map<String, Object> props = KafkaClients.producerConfigFor(bootstrapServers, "test-context-publisher");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(props);
    }

    static ContextRetrieved context(String requestId, Duration timeLeft) {
        return context(requestId, QUESTION, List.of(GEOGRAPHY), Instant.now().plus(timeLeft));
    }

    static ContextRetrieved context(String requestId, String question, List<SourceChunk> chunks, Instant deadline) {
        Instant now = Instant.now();
        return new ContextRetrieved(ContextRetrieved.SCHEMA_VERSION, EventIds.random(), now, requestId, question,
                "user-1", Variant.defaults(5), now.minusMillis(50), deadline, chunks, "test-corpus", 12, 3, null, null);
    }

    /**
     * A context as the embedder publishes it since issue 4: with the corpus version it was retrieved from, the
     * caller's API key id and, for a re-executed semantic-cache hit, the normalised candidate question.
     */
    static ContextRetrieved context(String requestId, String question, String corpusVersion, String apiKeyId,
                                    String semanticCandidate, Instant deadline) {
        Instant now = Instant.now();
        return new ContextRetrieved(ContextRetrieved.SCHEMA_VERSION, EventIds.random(), now, requestId, question,
                "user-1", Variant.defaults(5), now.minusMillis(50), deadline, List.of(GEOGRAPHY), corpusVersion, 12, 3,
                apiKeyId, semanticCandidate);
    }

    void publish(ContextRetrieved context) {
        publish(null, context);
    }

    void publish(Integer partition, ContextRetrieved context) {
        send(partition, context.requestId(), Topics.CONTEXTS.valueSerde().serialize(Topics.CONTEXTS.name(), context));
    }

    void publishRaw(Integer partition, String key, String value) {
        send(partition, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private void send(Integer partition, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.CONTEXTS.name(), partition,
                    key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
