package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.gateway.requests.StatusUpdates;
import io.qaflow.model.QuestionAsked;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas on one broker and one real Redis: whatever replica accepted a request, the other one knows its
 * status, streams its changes and answers a synchronous retry of it.
 */
class SharedStatusAcrossReplicasIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedRedis redis;
    private static RunningGateway first;
    private static RunningGateway second;
    private static FakeWorkers workers;
    private static Http toFirst;
    private static Http toSecond;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        redis = EmbeddedRedis.startTemporary();
        Map<String, String> settings = Map.of("qaflow.redis.url", redis.url(), "qaflow.gateway.request-ttl", "30s");
        first = RunningGateway.startReady(broker.bootstrapServers(), settings);
        second = RunningGateway.startReady(broker.bootstrapServers(), settings);
        workers = new FakeWorkers(broker.bootstrapServers());
        toFirst = new Http(first);
        toSecond = new Http(second);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(workers, first, second, redis, broker);
    }

    private static String ask(String question) {
        return Http.json(Map.of("question", question));
    }

    @Test
    void aRequestSubmittedToOneReplicaIsPolledAndStreamedThroughTheOther() {
        String question = "Who won Super Bowl 50? " + UUID.randomUUID();
        Http.Reply submitted = toFirst.postJson("/v1/requests", ask(question));
        assertThat(submitted.status()).isEqualTo(202);
        String id = submitted.json().get("requestId").asString();

        Http.Reply polled = toSecond.get("/v1/requests/" + id);
        assertThat(polled.status()).isEqualTo(200);
        assertThat(polled.json().get("status").asString()).isEqualTo("QUEUED");
        SseRecorder stream = SseRecorder.open(toSecond, "/v1/requests/" + id + "/events");
        await().atMost(WAIT).until(() -> stream.names().contains("QUEUED"));

        QuestionAsked asked = workers.awaitQuestion(question);
        workers.progress(id, io.qaflow.model.RequestStatus.RETRIEVING);
        workers.answer(asked, "The Denver Broncos");

        await().atMost(WAIT).until(stream::completed);
        assertThat(stream.names()).containsExactly("QUEUED", "RETRIEVING", "ANSWERED");
        Http.Reply answered = toSecond.get("/v1/requests/" + id);
        assertThat(answered.json().get("status").asString()).isEqualTo("ANSWERED");
        assertThat(answered.json().get("answer").asString()).isEqualTo("The Denver Broncos");
        assertThat(toFirst.get("/v1/requests/" + id).json().get("answer").asString()).isEqualTo("The Denver Broncos");
        // both replicas read the answer; it finished once, and the second replica's copy is no duplicate
        assertThat(first.meters().find("qa.duplicates").counters().stream().mapToDouble(c -> c.count()).sum()
                + second.meters().find("qa.duplicates").counters().stream().mapToDouble(c -> c.count()).sum())
                .isZero();
    }

    @Test
    void aSynchronousRetryOnTheOtherReplicaWaitsForTheSameRequest() {
        String question = "Where was Super Bowl 50 played? " + UUID.randomUUID();
        String key = "retry-" + UUID.randomUUID();
        String body = Http.json(Map.of("question", question, "timeoutMs", 15_000));
        CompletableFuture<Http.Reply> firstAttempt = toFirst.postJsonAsync("/v1/ask", body, "Idempotency-Key", key);
        QuestionAsked asked = workers.awaitQuestion(question);
        // the client gave up on the first replica and retried on the second, which must wait for the same request
        CompletableFuture<Http.Reply> retry = toSecond.postJsonAsync("/v1/ask", body, "Idempotency-Key", key);
        await().atMost(WAIT).until(() -> second.bean(StatusUpdates.class).followedRequests() == 1);
        workers.answer(asked, "Levi's Stadium");

        for (Http.Reply reply : new Http.Reply[] {firstAttempt.join(), retry.join()}) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json().get("requestId").asString()).isEqualTo(asked.requestId());
            assertThat(reply.json().get("answer").asString()).isEqualTo("Levi's Stadium");
        }
        assertThat(workers.asked().stream().filter(q -> q.question().equals(question))).hasSize(1);
    }
}
