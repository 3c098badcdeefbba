package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.gateway.requests.StatusUpdates;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.FeedbackGiven;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.Rating;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.squad.Squad;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The gateway end to end on a real broker, with the test playing the workers: it reads qa.requests.v1 and publishes
 * progress, answers and failures, as the embedder and answer workers do.
 */
class GatewayFlowIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static EmbeddedKafkaBroker broker;
    private static RunningGateway gateway;
    private static FakeWorkers workers;
    private static Http http;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        // a short request TTL so expiry is observable; tests that need time pass timeoutMs, which extends it
        gateway = RunningGateway.startReady(broker.bootstrapServers(), Map.of(
                "qaflow.gateway.request-ttl", "2s",
                "qaflow.gateway.default-timeout", "1500ms",
                "qaflow.gateway.expiry-grace", "200ms",
                "qaflow.gateway.sweep-interval", "100ms"));
        workers = new FakeWorkers(broker.bootstrapServers());
        http = new Http(gateway);
    }

    @AfterAll
    static void stop() {
        if (workers != null) {
            workers.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String uniqueQuestion(String label) {
        return label + " " + UUID.randomUUID() + "?";
    }

    @Test
    void askWaitsAndReturnsTheAnswerWithEveryField() throws Exception {
        String question = uniqueQuestion("Which NFL team represented the AFC at Super Bowl 50");
        CompletableFuture<Http.Reply> reply = http.postJsonAsync("/v1/ask", Http.json(Map.of(
                "question", "  " + question + "  ", "userId", "alice", "topK", 3, "timeoutMs", 20_000)),
                "X-Request-Id", "trace-123");

        QuestionAsked asked = workers.awaitQuestion(question);
        assertThat(asked.userId()).isEqualTo("alice");
        assertThat(asked.variant()).isEqualTo(Variant.defaults(3));
        assertThat(Duration.between(asked.acceptedAt(), asked.deadline())).isEqualTo(Duration.ofSeconds(20));
        workers.progress(asked.requestId(), RequestStatus.RETRIEVING);
        workers.progress(asked.requestId(), RequestStatus.GENERATING);
        AnswerCompleted completed = workers.answer(asked, "The Denver Broncos.");

        Http.Reply answered = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.header("X-Request-Id")).isEqualTo("trace-123");
        JsonNode body = answered.json();
        assertThat(body.path("requestId").asString()).isEqualTo(asked.requestId());
        assertThat(body.path("status").asString()).isEqualTo("ANSWERED");
        assertThat(body.path("question").asString()).isEqualTo(question);
        assertThat(body.path("answer").asString()).isEqualTo("The Denver Broncos.");
        assertThat(body.path("variant").path("experimentId").asString()).isEqualTo("default");
        assertThat(body.path("variant").path("name").asString()).isEqualTo("control");
        assertThat(body.path("variant").path("topK").asInt()).isEqualTo(3);
        assertThat(body.path("promptVersion").asString()).isEqualTo(Variant.DEFAULT_PROMPT_VERSION);
        assertThat(body.path("model").asString()).isEqualTo("gpt-test");
        assertThat(body.path("cached").asBoolean(true)).isFalse();
        assertThat(body.path("degraded").asBoolean(true)).isFalse();
        assertThat(body.path("usage").path("promptTokens").asInt()).isEqualTo(120);
        assertThat(body.path("usage").path("completionTokens").asInt()).isEqualTo(14);
        assertThat(body.path("costUsd").asDouble()).isEqualTo(0.00042);
        assertThat(body.path("latencyMs").path("total").asLong()).isEqualTo(230);
        assertThat(body.path("latencyMs").path("embed").asLong()).isEqualTo(12);
        assertThat(body.path("latencyMs").path("retrieve").asLong()).isEqualTo(3);
        assertThat(body.path("latencyMs").path("generate").asLong()).isEqualTo(200);
        assertThat(body.path("sources")).hasSize(2);
        JsonNode first = body.path("sources").get(0);
        assertThat(first.path("documentId").asString()).isEqualTo(completed.sources().getFirst().documentId());
        assertThat(first.path("chunkId").asString()).isEqualTo(completed.sources().getFirst().chunkId());
        assertThat(first.path("title").asString()).isEqualTo("Super Bowl 50");
        assertThat(first.path("score").asDouble()).isEqualTo(0.83);
        assertThat(first.path("text").asString()).startsWith("The American Football Conference");
        assertThat(body.has("error")).isFalse();
    }

    @Test
    void submitThenPollUntilAnswered() {
        String question = uniqueQuestion("Who won Super Bowl 50");
        Http.Reply submitted = http.postJson("/v1/requests", Http.json(Map.of("question", question,
                "timeoutMs", 20_000)));

        assertThat(submitted.status()).isEqualTo(202);
        JsonNode body = submitted.json();
        String requestId = body.path("requestId").asString();
        assertThat(body.path("status").asString()).isEqualTo("QUEUED");
        assertThat(body.path("statusUrl").asString()).isEqualTo("/v1/requests/" + requestId);
        assertThat(submitted.header("Location")).isEqualTo("/v1/requests/" + requestId);
        assertThat(submitted.header("X-Request-Id")).isNotBlank();

        JsonNode queued = http.get("/v1/requests/" + requestId).json();
        assertThat(queued.path("status").asString()).isEqualTo("QUEUED");
        assertThat(queued.path("acceptedAt").asString()).isNotBlank();
        assertThat(Instant.parse(queued.path("deadline").asString()))
                .isEqualTo(Instant.parse(queued.path("acceptedAt").asString()).plusSeconds(20));
        assertThat(queued.has("answer")).isFalse();

        QuestionAsked asked = workers.awaitQuestion(question);
        assertThat(asked.requestId()).isEqualTo(requestId);
        workers.answer(asked, "Denver.");

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode polled = http.get("/v1/requests/" + requestId).json();
            assertThat(polled.path("status").asString()).isEqualTo("ANSWERED");
            assertThat(polled.path("answer").asString()).isEqualTo("Denver.");
            assertThat(polled.path("sources")).hasSize(2);
            assertThat(polled.path("latencyMs").path("total").asLong()).isEqualTo(230);
            assertThat(polled.path("usage").path("promptTokens").asInt()).isEqualTo(120);
        });
    }

    @Test
    void eventStreamShowsEachStatusChangeAndEndsAfterTheAnswer() {
        String question = uniqueQuestion("Where was Super Bowl 50 played");
        String requestId = http.postJson("/v1/requests", Http.json(Map.of("question", question,
                "timeoutMs", 20_000))).json().path("requestId").asString();
        QuestionAsked asked = workers.awaitQuestion(question);

        SseRecorder stream = SseRecorder.open(http, "/v1/requests/" + requestId + "/events");
        await().atMost(WAIT).until(() -> stream.names().equals(List.of("QUEUED")));
        workers.progress(requestId, RequestStatus.RETRIEVING);
        await().atMost(WAIT).until(() -> stream.names().size() == 2);
        workers.progress(requestId, RequestStatus.GENERATING);
        await().atMost(WAIT).until(() -> stream.names().size() == 3);
        workers.answer(asked, "Levi's Stadium.");
        await().atMost(WAIT).until(stream::completed);

        assertThat(stream.status()).isCompletedWithValue(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.names()).containsExactly("QUEUED", "RETRIEVING", "GENERATING", "ANSWERED");
        assertThat(stream.events()).allSatisfy(event -> {
            assertThat(event.data().path("requestId").asString()).isEqualTo(requestId);
            assertThat(event.data().path("status").asString()).isEqualTo(event.name());
        });
        assertThat(stream.events().getLast().data().path("answer").asString()).isEqualTo("Levi's Stadium.");
        assertThat(gateway.bean(StatusUpdates.class).followedRequests()).as("no sink left behind").isZero();
    }

    @Test
    void eventStreamOfAFinishedRequestShowsItsTerminalStatusAndEnds() {
        String question = uniqueQuestion("Who was the MVP");
        String requestId = http.postJson("/v1/requests", Http.json(Map.of("question", question,
                "timeoutMs", 20_000))).json().path("requestId").asString();
        workers.answer(workers.awaitQuestion(question), "Von Miller.");
        await().atMost(WAIT).until(() -> http.get("/v1/requests/" + requestId).json().path("status").asString()
                .equals("ANSWERED"));

        SseRecorder stream = SseRecorder.open(http, "/v1/requests/" + requestId + "/events");
        await().atMost(WAIT).until(stream::completed);
        assertThat(stream.names()).containsExactly("ANSWERED");
    }

    @Test
    void askThatIsNotAnsweredInTimeAnswers202WithTheStatusUrl() {
        String question = uniqueQuestion("A slow question");
        Http.Reply reply = http.postJson("/v1/ask", Http.json(Map.of("question", question, "timeoutMs", 300)));

        assertThat(reply.status()).isEqualTo(202);
        JsonNode body = reply.json();
        String requestId = body.path("requestId").asString();
        assertThat(body.path("status").asString()).isEqualTo("QUEUED");
        assertThat(body.path("statusUrl").asString()).isEqualTo("/v1/requests/" + requestId);
        assertThat(reply.header("Location")).isEqualTo("/v1/requests/" + requestId);

        workers.answer(workers.awaitQuestion(question), "Eventually.");
        await().atMost(WAIT).until(() -> http.get("/v1/requests/" + requestId).json().path("answer").asString()
                .equals("Eventually."));
    }

    @Test
    void askWithoutTimeoutWaitsTheConfiguredDefault() {
        long started = System.nanoTime();
        Http.Reply reply = http.postJson("/v1/ask", Http.json(Map.of("question", uniqueQuestion("Unanswered"))));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(reply.status()).isEqualTo(202);
        assertThat(waited).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(10));
    }

    @Test
    void failedAndExpiredRequestsAreProblemsNeverA200() throws Exception {
        String failing = uniqueQuestion("Failing");
        CompletableFuture<Http.Reply> failed = http.postJsonAsync("/v1/ask", Http.json(Map.of("question", failing,
                "timeoutMs", 20_000)));
        QuestionAsked failingAsked = workers.awaitQuestion(failing);
        workers.fail(failingAsked, FailureStage.GENERATION, FailureCode.LLM_FAILED, false);

        Http.Reply failure = failed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(failure.status()).isEqualTo(502);
        assertThat(failure.contentType()).startsWith("application/problem+json");
        JsonNode problem = failure.json();
        assertThat(problem.path("requestId").asString()).isEqualTo(failingAsked.requestId());
        assertThat(problem.path("stage").asString()).isEqualTo("GENERATION");
        assertThat(problem.path("code").asString()).isEqualTo("LLM_FAILED");
        assertThat(problem.path("retryable").asBoolean(true)).isFalse();
        assertThat(problem.path("status").asInt()).isEqualTo(502);

        String retryable = uniqueQuestion("Retryable failure");
        CompletableFuture<Http.Reply> unavailable = http.postJsonAsync("/v1/ask", Http.json(Map.of(
                "question", retryable, "timeoutMs", 20_000)));
        workers.fail(workers.awaitQuestion(retryable), FailureStage.EMBEDDING, FailureCode.EMBEDDING_FAILED, true);
        Http.Reply retry = unavailable.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(retry.status()).isEqualTo(503);
        assertThat(retry.header("Retry-After")).isNotBlank();
        assertThat(retry.json().path("code").asString()).isEqualTo("EMBEDDING_FAILED");

        String expiring = uniqueQuestion("Expired by a worker");
        CompletableFuture<Http.Reply> expired = http.postJsonAsync("/v1/ask", Http.json(Map.of("question", expiring,
                "timeoutMs", 20_000)));
        QuestionAsked expiringAsked = workers.awaitQuestion(expiring);
        workers.fail(expiringAsked, FailureStage.RETRIEVAL, FailureCode.EXPIRED, false);
        Http.Reply timedOut = expired.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.json().path("code").asString()).isEqualTo("EXPIRED");

        JsonNode status = http.get("/v1/requests/" + expiringAsked.requestId()).json();
        assertThat(status.path("status").asString()).isEqualTo("EXPIRED");
        assertThat(status.path("error").path("stage").asString()).isEqualTo("RETRIEVAL");
        assertThat(status.path("error").path("code").asString()).isEqualTo("EXPIRED");
    }

    @Test
    void requestNoWorkerAnswersExpiresAndALateAnswerIsIgnored() {
        MeterRegistry meters = gateway.meters();
        double duplicatesBefore = meters.counter("qa.duplicates", "kind", "terminal").count();
        String question = uniqueQuestion("Nobody answers");
        String requestId = http.postJson("/v1/requests", Http.json(Map.of("question", question, "userId", "bob")))
                .json().path("requestId").asString();
        QuestionAsked asked = workers.awaitQuestion(question);
        assertThat(Duration.between(asked.acceptedAt(), asked.deadline())).isEqualTo(Duration.ofSeconds(2));
        SseRecorder stream = SseRecorder.open(http, "/v1/requests/" + requestId + "/events");

        await().atMost(WAIT).until(stream::completed);
        assertThat(stream.names()).containsExactly("QUEUED", "EXPIRED");
        JsonNode expired = http.get("/v1/requests/" + requestId).json();
        assertThat(expired.path("status").asString()).isEqualTo("EXPIRED");
        assertThat(expired.path("error").path("code").asString()).isEqualTo("EXPIRED");
        assertThat(expired.path("error").path("stage").asString()).isEqualTo("GATEWAY");
        assertThat(expired.path("error").path("retryable").asBoolean()).isFalse();
        assertThat(Instant.parse(expired.path("updatedAt").asString()))
                .isAfterOrEqualTo(asked.deadline().plusMillis(200));

        // the expiry is a terminal event on Kafka too, although no worker is there to report it
        try (TopicReader failures = TopicReader.of(broker.bootstrapServers(), Topics.FAILURES)) {
            List<RequestFailed> published = await().atMost(WAIT).until(() -> failures.poll().stream()
                    .filter(r -> requestId.equals(r.key()))
                    .map(r -> Topics.FAILURES.valueSerde().deserialize(r.topic(), r.value()))
                    .toList(), events -> !events.isEmpty());
            assertThat(published).hasSize(1);
            RequestFailed event = published.getFirst();
            assertThat(event.eventId()).isEqualTo(EventIds.terminal(requestId));
            assertThat(event.stage()).isEqualTo(FailureStage.GATEWAY);
            assertThat(event.errorCode()).isEqualTo(FailureCode.EXPIRED);
            assertThat(event.retryable()).isFalse();
            assertThat(event.userId()).isEqualTo("bob");
            assertThat(event.variant()).isEqualTo(asked.variant());
            assertThat(event.latencyMs().total()).isGreaterThanOrEqualTo(2_200);
        }
        assertThat(meters.counter("qa.duplicates", "kind", "terminal").count())
                .as("the gateway's own expiry event coming back is no duplicate").isEqualTo(duplicatesBefore);

        workers.answer(asked, "Too late.");
        await().atMost(WAIT).until(() ->
                meters.counter("qa.duplicates", "kind", "terminal").count() == duplicatesBefore + 1);
        assertThat(http.get("/v1/requests/" + requestId).json().path("status").asString()).isEqualTo("EXPIRED");
    }

    @Test
    void aSecondTerminalEventNeverChangesWhatTheClientSaw() {
        MeterRegistry meters = gateway.meters();
        double duplicatesBefore = meters.counter("qa.duplicates", "kind", "terminal").count();
        String question = uniqueQuestion("Answered twice");
        String requestId = http.postJson("/v1/requests", Http.json(Map.of("question", question,
                "timeoutMs", 20_000))).json().path("requestId").asString();
        QuestionAsked asked = workers.awaitQuestion(question);
        workers.answer(asked, "First answer.");
        await().atMost(WAIT).until(() -> http.get("/v1/requests/" + requestId).json().path("status").asString()
                .equals("ANSWERED"));

        // a redelivered answer (worker crash before commit) and a competing failure
        workers.answer(asked, "Second answer.");
        workers.fail(asked, FailureStage.GENERATION, FailureCode.LLM_FAILED, false);
        workers.progress(requestId, RequestStatus.GENERATING);

        await().atMost(WAIT).until(() ->
                meters.counter("qa.duplicates", "kind", "terminal").count() == duplicatesBefore + 2);
        JsonNode status = http.get("/v1/requests/" + requestId).json();
        assertThat(status.path("status").asString()).isEqualTo("ANSWERED");
        assertThat(status.path("answer").asString()).isEqualTo("First answer.");
        assertThat(status.has("error")).isFalse();
    }

    @Test
    void idempotencyKeyReturnsTheSameRequestAndRejectsAnotherBody() {
        String key = "key-" + UUID.randomUUID();
        String question = uniqueQuestion("Idempotent");
        String body = Http.json(Map.of("question", question, "timeoutMs", 20_000));
        Http.Reply first = http.postJson("/v1/requests", body, "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(202);
        String requestId = first.json().path("requestId").asString();
        QuestionAsked asked = workers.awaitQuestion(question);
        long published = workers.requestsPublished();

        Http.Reply again = http.postJson("/v1/requests", body, "Idempotency-Key", key);
        Http.Reply other = http.postJson("/v1/requests", Http.json(Map.of("question", "Something else?")),
                "Idempotency-Key", key);
        workers.answer(asked, "Once.");
        await().atMost(WAIT).until(() -> http.get("/v1/requests/" + requestId).json().path("status").asString()
                .equals("ANSWERED"));
        Http.Reply askAgain = http.postJson("/v1/ask", body, "Idempotency-Key", key);

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("requestId").asString()).isEqualTo(requestId);
        assertThat(again.header("Location")).isEqualTo("/v1/requests/" + requestId);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.json().path("errors").get(0).path("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(other.json().path("requestId").asString()).isEqualTo(requestId);
        assertThat(askAgain.status()).isEqualTo(200);
        assertThat(askAgain.json().path("requestId").asString()).isEqualTo(requestId);
        assertThat(askAgain.json().path("answer").asString()).isEqualTo("Once.");
        assertThat(workers.requestsPublished()).as("no second QuestionAsked").isEqualTo(published);
        assertThat(asked.requestId()).isEqualTo(requestId);
    }

    @Test
    void feedbackIsPublishedWithTheRequestsVariantOnlyOnceAnswered() {
        String question = uniqueQuestion("Rate me");
        String requestId = http.postJson("/v1/requests", Http.json(Map.of("question", question, "userId", "bob",
                "topK", 7, "timeoutMs", 20_000))).json().path("requestId").asString();
        QuestionAsked asked = workers.awaitQuestion(question);

        Http.Reply early = http.postJson("/v1/requests/" + requestId + "/feedback", "{\"rating\":\"up\"}");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.contentType()).startsWith("application/problem+json");

        workers.answer(asked, "Rated.");
        await().atMost(WAIT).until(() -> http.get("/v1/requests/" + requestId).json().path("status").asString()
                .equals("ANSWERED"));
        Http.Reply rated = http.postJson("/v1/requests/" + requestId + "/feedback", "{\"rating\":\"down\"}");
        assertThat(rated.status()).isEqualTo(202);
        assertThat(rated.json().path("rating").asString()).isEqualTo("down");

        try (TopicReader feedback = TopicReader.of(broker.bootstrapServers(), Topics.FEEDBACK)) {
            await().atMost(WAIT).until(() -> feedback.poll().stream().anyMatch(r -> r.key().equals(requestId)));
            ConsumerRecord<String, byte[]> record = feedback.poll().stream()
                    .filter(r -> r.key().equals(requestId)).findFirst().orElseThrow();
            FeedbackGiven given = Topics.FEEDBACK.valueSerde().deserialize(record.topic(), record.value());
            assertThat(given.requestId()).isEqualTo(requestId);
            assertThat(given.rating()).isEqualTo(Rating.DOWN);
            assertThat(given.userId()).isEqualTo("bob");
            assertThat(given.variant()).isEqualTo(Variant.defaults(7));
        }
    }

    @Test
    void aDocumentTheBrokerRefusesAsTooLargeIs413NamingItAndTheOthersAreReportedAccepted() throws Exception {
        // the broker's limit for the topic far below the producer's, so only the broker can refuse the record (other
        // tests' documents are a few KB)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.DOCUMENTS.name()),
                    List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "20000"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        String small = "partial-ok-" + UUID.randomUUID();
        String big = "partial-big-" + UUID.randomUUID();
        String batch = Http.json(Map.of("documents", List.of(
                Map.of("id", small, "text", "A small document."),
                // random text, so the producer's compression cannot shrink it below the limit
                Map.of("id", big, "text", java.util.stream.Stream.generate(() -> UUID.randomUUID().toString())
                        .limit(2_700).collect(java.util.stream.Collectors.joining(" "))))));

        Http.Reply reply = http.postJson("/v1/documents", batch);

        assertThat(reply.status()).as(reply.body()).isEqualTo(413);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("errors").get(0).path("field").asString()).isEqualTo("documents[1]");
        assertThat(reply.json().path("accepted").values().stream().map(JsonNode::asString).toList())
                .as("published before the failure, and said so").containsExactly(small);
        try (TopicReader documents = TopicReader.of(broker.bootstrapServers(), Topics.DOCUMENTS)) {
            await().atMost(WAIT).until(() -> documents.poll().stream().anyMatch(r -> small.equals(r.key())));
            assertThat(documents.poll()).noneMatch(r -> big.equals(r.key()));
        }
    }

    @Test
    void documentsArePublishedKeyedByTheirIdAndDeletedWithATombstone() {
        Squad.Paragraph superBowl = Squad.superBowl50().paragraphs().getFirst();
        String batch = Http.json(Map.of("documents", List.of(
                Map.of("id", superBowl.documentId(), "title", superBowl.title(), "text", superBowl.text(),
                        "metadata", Map.of("source", "squad", "paragraph", 0, "answerable", true)),
                Map.of("id", "Sky_(United_Kingdom)-p3", "title", "Sky (United Kingdom)", "text", "Sky plc ..."))));
        Http.Reply accepted = http.postJson("/v1/documents", batch);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("accepted").values().stream().map(JsonNode::asString).toList())
                .containsExactly(superBowl.documentId(), "Sky_(United_Kingdom)-p3");

        Http.Reply single = http.postJson("/v1/documents", Http.json(Map.of("id", "notes/2024:v1.0",
                "text", "A single document object.")));
        assertThat(single.status()).isEqualTo(202);
        assertThat(single.json().path("accepted").get(0).asString()).isEqualTo("notes/2024:v1.0");

        Http.Reply deleted = http.delete("/v1/documents/Sky_(United_Kingdom)-p3");
        assertThat(deleted.status()).isEqualTo(202);
        assertThat(deleted.json().path("deleted").asString()).isEqualTo("Sky_(United_Kingdom)-p3");

        try (TopicReader documents = TopicReader.of(broker.bootstrapServers(), Topics.DOCUMENTS)) {
            await().atMost(WAIT).until(() -> documents.poll().size() >= 4);
            List<ConsumerRecord<String, byte[]>> records = documents.poll();
            ConsumerRecord<String, byte[]> first = records.stream()
                    .filter(r -> r.key().equals(superBowl.documentId())).findFirst().orElseThrow();
            DocumentSubmitted document = Topics.DOCUMENTS.valueSerde().deserialize(first.topic(), first.value());
            assertThat(document.documentId()).isEqualTo(superBowl.documentId());
            assertThat(document.title()).isEqualTo(superBowl.title());
            assertThat(document.text()).isEqualTo(superBowl.text());
            assertThat(document.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("source", "squad",
                    "paragraph", "0", "answerable", "true"));
            List<ConsumerRecord<String, byte[]>> sky = records.stream()
                    .filter(r -> r.key().equals("Sky_(United_Kingdom)-p3")).toList();
            assertThat(sky).hasSize(2);
            assertThat(sky.getFirst().value()).isNotNull();
            assertThat(sky.getLast().value()).as("tombstone").isNull();
            assertThat(records).anyMatch(r -> r.key().equals("notes/2024:v1.0"));
        }
    }

    @Test
    void anUnreadableResultRecordIsSkippedCountedAndDeadLettered() {
        MeterRegistry meters = gateway.meters();
        double before = meters.counter("qa.kafka.dead_letters", "topic", Topics.ANSWERS.name(), "reason", "unreadable")
                .count();
        String question = uniqueQuestion("Behind a poison record");
        String requestId = http.postJson("/v1/requests", Http.json(Map.of("question", question,
                "timeoutMs", 20_000))).json().path("requestId").asString();
        QuestionAsked asked = workers.awaitQuestion(question);

        workers.sendRaw(Topics.ANSWERS.name(), requestId, "{not json".getBytes());
        workers.answer(asked, "Still answered.");

        await().atMost(WAIT).until(() -> http.get("/v1/requests/" + requestId).json().path("status").asString()
                .equals("ANSWERED"));
        await().atMost(WAIT).until(() ->
                meters.counter("qa.kafka.dead_letters", "topic", Topics.ANSWERS.name(), "reason", "unreadable")
                        .count() == before + 1);
        try (TopicReader deadLetters = new TopicReader(broker.bootstrapServers(), Topics.ANSWERS.deadLetterName())) {
            await().atMost(WAIT).until(() -> deadLetters.poll().stream().anyMatch(r -> requestId.equals(r.key())
                    && new String(r.value()).equals("{not json")));
        }
    }

    @Test
    void healthOpenApiAndPrometheusAreServed() {
        Http.Reply readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(http.get("/actuator/health/liveness").json().path("status").asString()).isEqualTo("UP");

        JsonNode api = http.get("/v3/api-docs").json();
        assertThat(api.path("paths").propertyNames()).contains("/v1/ask", "/v1/requests", "/v1/requests/{id}",
                "/v1/requests/{id}/events", "/v1/requests/{id}/feedback", "/v1/documents");
        assertThat(api.path("components").path("schemas").has("AskRequest")).isTrue();
        assertThat(api.path("components").path("securitySchemes").path("apiKey").path("scheme").asString())
                .isEqualTo("bearer");
        assertThat(api.path("security").path(0).has("apiKey")).isTrue();

        // make sure a request finished, so the latency histogram exists
        String question = uniqueQuestion("Metrics");
        http.postJson("/v1/requests", Http.json(Map.of("question", question, "timeoutMs", 20_000)));
        workers.answer(workers.awaitQuestion(question), "Counted.");
        await().atMost(WAIT).untilAsserted(() -> {
            String prometheus = http.get("/actuator/prometheus").body();
            assertThat(prometheus).contains("qa_requests_total{")
                    .contains("endpoint=\"POST /v1/requests\"")
                    .contains("qa_latency_seconds_bucket{")
                    .contains("stage=\"total\"");
        });
    }

    @Test
    void xRequestIdIsEchoedOrGenerated() {
        Http.Reply given = http.send(http.request("/v1/requests/unknown").header("X-Request-Id", "abc-1").GET()
                .build());
        Http.Reply generated = http.get("/v1/requests/unknown");

        assertThat(given.status()).isEqualTo(404);
        assertThat(given.header("X-Request-Id")).isEqualTo("abc-1");
        assertThat(generated.header("X-Request-Id")).isNotBlank();
    }
}
