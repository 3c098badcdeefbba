package io.qaflow.embedder.questions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.FakeEmbeddingModel;
import io.qaflow.embedder.cache.SemanticCache;
import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.ingest.IndexStatus;
import io.qaflow.embedder.retrieval.Bm25Index;
import io.qaflow.embedder.retrieval.CorpusIndex;
import io.qaflow.embedder.retrieval.DenseRetriever;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.kafka.KafkaSupportProperties;
import io.qaflow.kafka.RecordObservations;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.mock.MockProducerFactory;

/** The listener's publishing order and its handling of unacknowledged sends, over a producer that fails on demand. */
class QuestionListenerTest {
    private static final int RETRIES = 2;
    private static final int ALWAYS = Integer.MAX_VALUE;

    private final InMemoryVectorIndex index = new InMemoryVectorIndex(26);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbedderMetrics metrics = new EmbedderMetrics(registry, new IndexStatus(
            new CorpusIndex(index, new Bm25Index(), new DenseRetriever(index, 2), "fake-letters")));
    private final FlakyProducer producer = new FlakyProducer();
    private final KafkaTemplate<Object, Object> template = new KafkaTemplate<>(new MockProducerFactory<>(() -> producer));
    private final EventPublisher publisher = EventPublisher.unprobed(template,
            new KafkaSupportProperties.Publish(Duration.ofSeconds(5), 1 + RETRIES, Duration.ofMillis(10)), registry);
    private final FakeEmbeddingModel fake = new FakeEmbeddingModel(null);
    /** Topics the producer had acknowledged when the model was called. */
    private final List<String> acknowledgedAtEmbedding = new ArrayList<>();

    QuestionListenerTest() {
        index.upsert("broncos", "e1", List.of(new EmbeddedChunk(Chunk.of("broncos", 0, "SB", "Denver Broncos won"),
                fake.embed(List.of("Denver Broncos won"))[0])));
    }

    private QuestionListener listener() {
        return listener(SemanticCache.OFF);
    }

    private QuestionListener listener(SemanticCache semantic) {
        EmbeddingModel recording = new EmbeddingModel() {
            @Override
            public float[][] embed(List<String> texts) {
                producer.history().forEach(r -> acknowledgedAtEmbedding.add(r.topic() + ":" + r.key()));
                return fake.embed(texts);
            }

            @Override
            public int dimensions() {
                return fake.dimensions();
            }

            @Override
            public String modelId() {
                return fake.modelId();
            }
        };
        var processor = new QuestionBatchProcessor(recording,
                new CorpusIndex(index, new Bm25Index(), new DenseRetriever(index, 2), fake.modelId()), semantic,
                Clock.systemUTC(), metrics);
        var recoverer = new QuestionRecoverer(DeadLetters.over(template, Duration.ofSeconds(5), registry), publisher,
                processor, metrics);
        return new QuestionListener(processor, new OutputSender(publisher, metrics), recoverer, metrics,
                new RecordObservations(ObservationRegistry.NOOP), "qa-embedder");
    }

    @Test
    void retrievingIsAcknowledgedBeforeEmbeddingStartsAndTheContextsFollow() {
        listener().onMessage(List.of(record(0, "r1"), record(1, "r2")));

        assertThat(fake.calls()).isEqualTo(1 + 1); // the index's document, then the batch
        assertThat(acknowledgedAtEmbedding).containsExactlyInAnyOrder(Topics.PROGRESS.name() + ":r1",
                Topics.PROGRESS.name() + ":r2");
        assertThat(sent()).containsExactly(Topics.PROGRESS.name() + ":r1", Topics.PROGRESS.name() + ":r2",
                Topics.CONTEXTS.name() + ":r1", Topics.CONTEXTS.name() + ":r2");
    }

    @Test
    void aFailedSendIsResentAloneWithoutReplayingTheAcknowledgedOutputs() {
        producer.fail(Topics.CONTEXTS.name(), "r2", 1);

        listener().onMessage(List.of(record(0, "r1"), record(1, "r2")));

        assertThat(fake.calls()).isEqualTo(1 + 1);
        assertThat(producer.attempts(Topics.CONTEXTS.name(), "r2")).isEqualTo(2);
        assertThat(sent()).containsExactly(Topics.PROGRESS.name() + ":r1", Topics.PROGRESS.name() + ":r2",
                Topics.CONTEXTS.name() + ":r1", Topics.CONTEXTS.name() + ":r2");
        assertThat(registry.get("qa.kafka.publish.retries").tag("topic", Topics.CONTEXTS.name()).counter().count())
                .isEqualTo(1);
        assertThat(registry.find("qa.errors").tag("code", "PUBLISH_FAILED").counter()).isNull();
    }

    @Test
    void aQuestionWhoseContextIsNeverAcknowledgedIsDeadLetteredWithATerminalFailure() {
        producer.fail(Topics.CONTEXTS.name(), "r2", ALWAYS);

        listener().onMessage(List.of(record(0, "r1"), record(1, "r2")));

        assertThat(producer.attempts(Topics.CONTEXTS.name(), "r2")).isEqualTo(1 + RETRIES);
        assertThat(fake.calls()).isEqualTo(1 + 1);
        assertThat(sent()).containsExactly(Topics.PROGRESS.name() + ":r1", Topics.PROGRESS.name() + ":r2",
                Topics.CONTEXTS.name() + ":r1", Topics.REQUESTS.deadLetterName() + ":r2",
                Topics.FAILURES.name() + ":r2");
        RequestFailed failed = failure("r2");
        assertThat(failed.eventId()).isEqualTo(EventIds.terminal("r2"));
        assertThat(failed.stage()).isEqualTo(FailureStage.EMBEDDING);
        assertThat(failed.errorCode()).isEqualTo(FailureCode.INTERNAL);
        assertThat(failed.retryable()).isTrue();
    }

    @Test
    void aQuestionWhoseRetrievingIsNeverAcknowledgedIsNotEmbeddedAndFailsTerminally() {
        producer.fail(Topics.PROGRESS.name(), "r1", ALWAYS);

        listener().onMessage(List.of(record(0, "r1"), record(1, "r2")));

        assertThat(sent()).containsExactly(Topics.PROGRESS.name() + ":r2", Topics.CONTEXTS.name() + ":r2",
                Topics.REQUESTS.deadLetterName() + ":r1", Topics.FAILURES.name() + ":r1");
        assertThat(failure("r1").errorCode()).isEqualTo(FailureCode.INTERNAL);
    }

    @Test
    void aSemanticHitIsPublishedAsTheAnswerInsteadOfAContext() {
        listener(new ScriptedSemanticCache().serve("r2")).onMessage(List.of(record(0, "r1"), record(1, "r2")));

        assertThat(sent()).containsExactly(Topics.PROGRESS.name() + ":r1", Topics.PROGRESS.name() + ":r2",
                Topics.CONTEXTS.name() + ":r1", Topics.ANSWERS.name() + ":r2");
        assertThat(registry.get("qa.embedder.questions").tag("outcome", "semantic_hit").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aSemanticAnswerNeverAcknowledgedIsDeadLetteredWithATerminalFailure() {
        producer.fail(Topics.ANSWERS.name(), "r2", ALWAYS);

        listener(new ScriptedSemanticCache().serve("r2")).onMessage(List.of(record(0, "r1"), record(1, "r2")));

        assertThat(producer.attempts(Topics.ANSWERS.name(), "r2")).isEqualTo(1 + RETRIES);
        assertThat(sent()).containsExactly(Topics.PROGRESS.name() + ":r1", Topics.PROGRESS.name() + ":r2",
                Topics.CONTEXTS.name() + ":r1", Topics.REQUESTS.deadLetterName() + ":r2",
                Topics.FAILURES.name() + ":r2");
        assertThat(failure("r2").eventId()).isEqualTo(EventIds.terminal("r2"));
        assertThat(registry.find("qa.embedder.questions").tag("outcome", "semantic_hit").counter()).isNull();
    }

    @Test
    void whenNotEvenTheDeadLetterIsAcknowledgedTheFirstUnhandledRecordIsNamed() {
        producer.fail(Topics.CONTEXTS.name(), "r2", ALWAYS);
        producer.fail(Topics.REQUESTS.deadLetterName(), "r2", ALWAYS);

        assertThatThrownBy(() -> listener().onMessage(List.of(record(0, "r1"), record(1, "r2"), record(2, "r3"))))
                .isInstanceOfSatisfying(BatchListenerFailedException.class,
                        e -> assertThat(e.getIndex()).isEqualTo(1));
        assertThat(sent()).contains(Topics.CONTEXTS.name() + ":r1", Topics.CONTEXTS.name() + ":r3")
                .doesNotContain(Topics.FAILURES.name() + ":r2");
    }

    private List<String> sent() {
        return producer.history().stream().map(r -> r.topic() + ":" + r.key()).toList();
    }

    private RequestFailed failure(String requestId) {
        return producer.history().stream()
                .filter(r -> r.topic().equals(Topics.FAILURES.name()) && r.key().equals(requestId))
                .map(r -> Topics.FAILURES.valueSerde().deserialize(r.topic(), (byte[]) r.value()))
                .findFirst().orElseThrow();
    }

    private static ConsumerRecord<String, QuestionAsked> record(long offset, String requestId) {
        Instant now = Instant.now();
        QuestionAsked question = QuestionAsked.of(requestId, "Who won? Denver Broncos?", "u", Variant.defaults(1), now,
                now.plus(Duration.ofMinutes(1)), null);
        return new ConsumerRecord<>(Topics.REQUESTS.name(), 0, offset, requestId, question);
    }

    /** Keys are Strings, values already serialized (dead letters: the question object, written as text). */
    private static final Serializer<Object> BYTES = (topic, data) -> data instanceof byte[] bytes ? bytes
            : String.valueOf(data).getBytes(StandardCharsets.UTF_8);

    /** Acknowledges every send at once, except those of a topic and key told to fail (a delivery timeout). */
    private static final class FlakyProducer extends MockProducer<Object, Object> {
        private final Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();
        private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

        FlakyProducer() {
            super(true, null, BYTES, BYTES);
        }

        void fail(String topic, String key, int times) {
            failuresLeft.put(topic + ":" + key, times);
        }

        int attempts(String topic, String key) {
            return attempts.getOrDefault(topic + ":" + key, 0);
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<Object, Object> record, Callback callback) {
            String id = record.topic() + ":" + record.key();
            attempts.merge(id, 1, Integer::sum);
            if (failuresLeft.getOrDefault(id, 0) > 0) {
                failuresLeft.merge(id, -1, Integer::sum);
                TimeoutException e = new TimeoutException("delivery timed out for " + id);
                callback.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
            return super.send(record, callback);
        }

        @Override
        public void close() {
            // shared by the test's templates, which close their producer after each send
        }

        @Override
        public void close(Duration timeout) {
        }
    }
}
