package io.qaflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.kafka.EventPublisher.Keyed;
import io.qaflow.model.FeedbackGiven;
import io.qaflow.model.Rating;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/** What a caller of the one publisher can rely on, over Kafka's MockProducer failing on demand. */
class EventPublisherTest {
    private static final int ATTEMPTS = 3;
    private static final Serializer<Object> TEXT = (topic, data) -> data instanceof byte[] bytes ? bytes
            : String.valueOf(data).getBytes(StandardCharsets.UTF_8);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScriptedProducer producer = new ScriptedProducer();
    private final EventPublisher publisher = EventPublisher.unprobed(
            new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)),
            new KafkaSupportProperties.Publish(Duration.ofSeconds(5), ATTEMPTS, Duration.ofMillis(5)), registry);

    @Test
    void completesWhenTheBrokerAcknowledgedTheEventSerializedWithItsTopicsSerde() {
        RecordMetadata metadata = publisher.publish(Topics.FEEDBACK, "r1", feedback("r1")).join();

        assertThat(metadata.topic()).isEqualTo(Topics.FEEDBACK.name());
        assertThat(producer.history()).singleElement().satisfies(sent -> {
            assertThat(sent.key()).isEqualTo("r1");
            assertThat(Topics.FEEDBACK.valueSerde().deserialize(sent.topic(), (byte[]) sent.value()).requestId())
                    .isEqualTo("r1");
        });
        assertThat(registry.get("qa.kafka.publish").tag("outcome", "acknowledged").timer().count()).isEqualTo(1);
    }

    @Test
    void aRetriableFailureIsSentAgainUntilItHealsWithinTheAttempts() {
        producer.failNext("r1", new NotEnoughReplicasException("one replica short"));

        publisher.publish(Topics.FEEDBACK, "r1", feedback("r1")).join();

        assertThat(producer.attempts("r1")).isEqualTo(2);
        assertThat(registry.get("qa.kafka.publish.retries").counter().count()).isEqualTo(1);
    }

    @Test
    void aRetriableFailureIsSentAtMostAttemptsTimesAndMayHaveLanded() {
        for (int i = 0; i < ATTEMPTS; i++) {
            producer.failNext("r1", new TimeoutException("delivery timed out"));
        }

        assertThatThrownBy(() -> publisher.publish(Topics.FEEDBACK, "r1", feedback("r1")).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(PublishFailedException.class,
                        e -> assertThat(e.mayHaveBeenPublished()).isTrue());
        assertThat(producer.attempts("r1")).isEqualTo(ATTEMPTS);
        assertThat(registry.get("qa.kafka.publish").tag("outcome", "failed").timer().count()).isEqualTo(1);
    }

    @Test
    void aRefusalIsNotRepeatedAndSaysTheEventDidNotLand() {
        producer.failNext("r1", new TopicAuthorizationException("not yours"));

        assertThatThrownBy(() -> publisher.publishAndAwait(Topics.FEEDBACK, "r1", feedback("r1")))
                .isInstanceOfSatisfying(PublishFailedException.class,
                        e -> assertThat(e.mayHaveBeenPublished()).isFalse());
        assertThat(producer.attempts("r1")).isEqualTo(1);
    }

    @Test
    void anEventOverTheSizeLimitIsRefusedBeforeAnythingIsSent() {
        Keyed<FeedbackGiven> small = new Keyed<>("r1", feedback("r1"));
        Keyed<FeedbackGiven> huge = new Keyed<>("r2", feedback("r2", "x".repeat(2 * 1024 * 1024)));

        assertThatThrownBy(() -> publisher.publishAll(Topics.FEEDBACK, List.of(small, huge)).join())
                .cause().isInstanceOfSatisfying(PublishFailedException.class, e -> {
                    assertThat(e.tooLarge()).isTrue();
                    assertThat(e.failedIndex()).isEqualTo(1);
                    assertThat(e.mayHaveBeenPublished()).isFalse();
                });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void ofABatchOnlyTheEventsNotAcknowledgedAreSentAgainAndInOrder() {
        for (int i = 0; i < ATTEMPTS; i++) {
            producer.failNext("r2", new TimeoutException("delivery timed out"));
        }
        List<Keyed<FeedbackGiven>> batch = List.of(new Keyed<>("r1", feedback("r1")), new Keyed<>("r2",
                feedback("r2")), new Keyed<>("r3", feedback("r3")));

        assertThatThrownBy(() -> publisher.publishAll(Topics.FEEDBACK, batch).join()).cause()
                .isInstanceOfSatisfying(PublishFailedException.class, e -> {
                    assertThat(e.failedIndex()).isEqualTo(1);
                    assertThat(e.acknowledged()).containsExactly(0, 2);
                });
        assertThat(producer.attempts("r1")).isEqualTo(1);
        assertThat(producer.attempts("r3")).isEqualTo(1);
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("r1", "r3");
    }

    @Test
    void aViewWithOneAttemptGivesUpAtTheFirstFailure() {
        producer.failNext("r1", new NotEnoughReplicasException("one replica short"));

        assertThatThrownBy(() -> publisher.withAttempts(1).publish(Topics.FEEDBACK, "r1", feedback("r1")).join())
                .cause().isInstanceOf(PublishFailedException.class);
        assertThat(producer.attempts("r1")).isEqualTo(1);
    }

    @Test
    void aRecordTooLargeForTheBrokerIsNotRepeated() {
        producer.failNext("r1", new RecordTooLargeException("broker limit"));

        assertThatThrownBy(() -> publisher.publish(Topics.FEEDBACK, "r1", feedback("r1")).join()).cause()
                .isInstanceOfSatisfying(PublishFailedException.class, e -> assertThat(e.tooLarge()).isTrue());
        assertThat(producer.attempts("r1")).isEqualTo(1);
    }

    private static FeedbackGiven feedback(String requestId) {
        return feedback(requestId, "u");
    }

    private static FeedbackGiven feedback(String requestId, String userId) {
        return FeedbackGiven.of(requestId, Rating.UP, userId, Variant.defaults(5), Instant.now());
    }

    /** Acknowledges every send at once, except those told to fail, each failure once, in order. */
    private static final class ScriptedProducer extends MockProducer<Object, Object> {
        private final Map<Object, Deque<RuntimeException>> failures = new ConcurrentHashMap<>();
        private final Map<Object, Integer> attempts = new ConcurrentHashMap<>();

        ScriptedProducer() {
            super(true, null, TEXT, TEXT);
        }

        void failNext(String key, RuntimeException error) {
            failures.computeIfAbsent(key, k -> new ArrayDeque<>()).add(error);
        }

        int attempts(String key) {
            return attempts.getOrDefault(key, 0);
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<Object, Object> record, Callback callback) {
            attempts.merge(record.key(), 1, Integer::sum);
            RuntimeException failure = failures.getOrDefault(record.key(), new ArrayDeque<>()).poll();
            if (failure != null) {
                callback.onCompletion(null, failure);
                return CompletableFuture.failedFuture(failure);
            }
            return super.send(record, callback);
        }

        @Override
        public void close() {
            // shared by the template's sends
        }

        @Override
        public void close(Duration timeout) {
        }
    }
}
