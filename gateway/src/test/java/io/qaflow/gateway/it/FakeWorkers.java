package io.qaflow.gateway.it;

import static org.awaitility.Awaitility.await;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The test plays the embedder and answer workers: it reads qa.requests.v1 and writes progress and results. */
final class FakeWorkers implements AutoCloseable {
    private final TopicReader requests;
    private final KafkaProducer<String, byte[]> producer;

    FakeWorkers(String bootstrapServers) {
        this.requests = TopicReader.of(bootstrapServers, Topics.REQUESTS);
        this.producer = new KafkaProducer<>(KafkaClients.producerConfigFor(bootstrapServers, "fake-workers"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Waits for the QuestionAsked with this question text. */
    QuestionAsked awaitQuestion(String question) {
        QuestionAsked[] found = new QuestionAsked[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Optional<QuestionAsked> match = asked().stream().filter(q -> q.question().equals(question)).findFirst();
            match.ifPresent(q -> found[0] = q);
            return match.isPresent();
        });
        return found[0];
    }

    /** Every QuestionAsked published so far. */
    List<QuestionAsked> asked() {
        return requests.poll().stream()
                .map(r -> Topics.REQUESTS.valueSerde().deserialize(r.topic(), r.value()))
                .toList();
    }

    long requestsPublished() {
        return requests.endOffsetSum();
    }

    void progress(String requestId, RequestStatus status) {
        send(Topics.PROGRESS, requestId, RequestProgressed.of(requestId, status, Instant.now()));
    }

    AnswerCompleted answer(QuestionAsked asked, String answer) {
        AnswerCompleted completed = answerFor(asked, answer);
        send(Topics.ANSWERS, asked.requestId(), completed);
        return completed;
    }

    static AnswerCompleted answerFor(QuestionAsked asked, String answer) {
        List<SourceChunk> sources = List.of(
                new SourceChunk("Super_Bowl_50-p0", "Super_Bowl_50-p0#0", "Super Bowl 50", 0.83,
                        "The American Football Conference (AFC) champion Denver Broncos defeated ..."),
                new SourceChunk("Super_Bowl_50-p2", "Super_Bowl_50-p2#0", "Super Bowl 50", 0.61, "Second chunk."));
        return new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal(asked.requestId()), Instant.now(),
                asked.requestId(), asked.userId(), asked.variant(), answer, sources, "gpt-test", false,
                new TokenUsage(120, 14, false), 0.00042, new StageLatency(230, 12, 3, 200), null, null, null);
    }

    RequestFailed fail(QuestionAsked asked, FailureStage stage, FailureCode code, boolean retryable) {
        RequestFailed failed = RequestFailed.of(new RequestRef(asked.requestId(), asked.userId(), asked.variant(),
                null), stage, code, retryable, "fake " + code, new StageLatency(50, 10, 0, 0), Instant.now());
        send(Topics.FAILURES, asked.requestId(), failed);
        return failed;
    }

    <V> void send(Topic<String, V> topic, String key, V value) {
        sendRaw(topic.name(), key, topic.valueSerde().serialize(topic.name(), value));
    }

    void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        requests.close();
    }
}
