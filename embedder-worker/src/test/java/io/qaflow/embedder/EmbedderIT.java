package io.qaflow.embedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.embedder.ingest.IndexStatus;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Json;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.squad.Squad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The embedder app on a real in-process Kafka broker: corpus rebuild, questions, expiry, poison records, restart. */
class EmbedderIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String REPLACED_ID = "doc-replaced";
    private static final String DELETED_ID = "doc-deleted";

    private static EmbeddedKafkaBroker broker;
    private static KafkaTopics kafka;
    private static ConfigurableApplicationContext app;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static List<Squad.Paragraph> corpus;
    private static IndexStatus.Snapshot atStart;

    @BeforeAll
    static void startBrokerCorpusAndApp() {
        broker = EmbeddedKafkaBroker.startTemporary();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(3).provision(admin);
        }
        kafka = new KafkaTopics(broker.bootstrapServers());
        corpus = Squad.superBowl50().paragraphs();
        for (Squad.Paragraph p : corpus) {
            kafka.send(Topics.DOCUMENTS, p.documentId(),
                    DocumentSubmitted.of(p.documentId(), p.title(), p.text(), Map.of("source", "squad"), Instant.now()));
        }
        kafka.send(Topics.DOCUMENTS, REPLACED_ID, DocumentSubmitted.of(REPLACED_ID, "Old", "The first version "
                + "says the sky is green.", Map.of(), Instant.now()));
        kafka.send(Topics.DOCUMENTS, REPLACED_ID, DocumentSubmitted.of(REPLACED_ID, "New", "The replacement "
                + "explains that the zeppelin hangar in Akron is huge.", Map.of(), Instant.now()));
        kafka.send(Topics.DOCUMENTS, DELETED_ID, DocumentSubmitted.of(DELETED_ID, "Gone", "A document about "
                + "marmalade sandwiches that was deleted.", Map.of(), Instant.now()));
        kafka.sendRaw(Topics.DOCUMENTS.name(), DELETED_ID, null);
        kafka.sendRaw(Topics.DOCUMENTS.name(), "doc-garbage", "{not json".getBytes(StandardCharsets.UTF_8));

        app = start();
        awaitCaughtUp(app);
        atStart = app.getBean(IndexStatus.class).snapshot();
    }

    private static void awaitCaughtUp(ConfigurableApplicationContext context) {
        try {
            assertThat(context.getBean(IndexStatus.class).awaitCaughtUp(WAIT)).as("corpus caught up").isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopAll() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static ConfigurableApplicationContext start() {
        // no Redis listens there: the embedder runs on its fallbacks (no caches), as when Redis is down
        return EmbedderApplication.builder()
                .properties("spring.kafka.bootstrap-servers=" + broker.bootstrapServers(), "server.port=0",
                        "qaflow.redis.url=redis://127.0.0.1:" + closedPort())
                .run();
    }

    private static int closedPort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void rebuildsTheIndexFromTheCorpusTopicAndReportsItOverHttp() throws Exception {
        // the SQuAD paragraphs and the replaced document; the deleted and the unreadable ones are not indexed
        assertThat(atStart.documents()).isEqualTo(corpus.size() + 1);
        assertThat(atStart.chunks()).isGreaterThanOrEqualTo(corpus.size() + 1);
        assertThat(atStart.recordsRead()).isEqualTo(corpus.size() + 5);

        IndexStatus status = app.getBean(IndexStatus.class);
        JsonNode index = getJson(app, "/v1/index");
        assertThat(index.path("caughtUp").asBoolean()).isTrue();
        assertThat(index.path("documents").asInt()).isEqualTo(status.documents());
        assertThat(index.path("chunks").asInt()).isEqualTo(status.chunks());
        assertThat(index.path("corpusVersion").asString()).isEqualTo(status.corpusVersion());
        HttpResponse<String> readiness = get(app, "/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"corpus\"", "\"readinessState\"");

        // every instance reads the whole corpus, so each one that starts dead-letters the unreadable record again
        List<ConsumerRecord<String, byte[]>> deadDocuments = kafka.readAll(Topics.DOCUMENTS.deadLetterName());
        assertThat(deadDocuments).isNotEmpty().allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("doc-garbage");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(r.headers().lastHeader("kafka_dlt-exception-fqcn")).isNotNull();
        });
    }

    @Test
    void answersAQuestionWithTheGoldParagraphAmongItsSources() {
        Squad.Question question = Squad.superBowl50().answerableQuestions().stream()
                .filter(q -> q.question().contains("AFC")).findFirst().orElseThrow();
        QuestionAsked asked = ask(question.question(), Duration.ofMinutes(2));

        ContextRetrieved context = awaitContext(asked.requestId());
        assertThat(context.chunks()).hasSize(5);
        assertThat(context.chunks()).extracting(SourceChunk::documentId).contains(question.goldDocumentId());
        assertThat(context.chunks()).extracting(SourceChunk::chunkId).allMatch(id -> id.contains("#"));
        assertThat(context.corpusVersion()).isEqualTo(app.getBean(IndexStatus.class).corpusVersion());
        assertThat(context.variant()).isEqualTo(asked.variant());
        assertThat(context.deadline()).isEqualTo(asked.deadline());
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafka.values(Topics.PROGRESS))
                .anySatisfy(p -> {
                    assertThat(p.requestId()).isEqualTo(asked.requestId());
                    assertThat(p.status()).isEqualTo(RequestStatus.RETRIEVING);
                }));
    }

    @Test
    void replacedAndDeletedDocumentsAreIndexedAsTheirLatestVersion() {
        ContextRetrieved context = awaitContext(ask("Which hangar in Akron is huge?", Duration.ofMinutes(2))
                .requestId());
        assertThat(context.chunks().getFirst().documentId()).isEqualTo(REPLACED_ID);
        assertThat(context.chunks().getFirst().text()).contains("zeppelin hangar");
        assertThat(context.chunks()).extracting(SourceChunk::documentId).doesNotContain(DELETED_ID);
    }

    @Test
    void documentsPublishedAfterCatchingUpAreIndexedToo() throws Exception {
        assertThat(app.getBean(IndexStatus.class).awaitCaughtUp(WAIT)).isTrue();
        String before = app.getBean(IndexStatus.class).corpusVersion();
        kafka.send(Topics.DOCUMENTS, "doc-late", DocumentSubmitted.of("doc-late", "Lighthouses",
                "The Bell Rock Lighthouse off the coast of Angus is the oldest sea-washed lighthouse.", Map.of(),
                Instant.now()));
        await().atMost(WAIT).until(() -> !app.getBean(IndexStatus.class).corpusVersion().equals(before));

        ContextRetrieved context = awaitContext(ask("What is the oldest sea-washed lighthouse?",
                Duration.ofMinutes(2)).requestId());
        assertThat(context.chunks().getFirst().documentId()).isEqualTo("doc-late");
    }

    @Test
    void anExpiredRequestFailsWithExpiredInsteadOfBeingRetrieved() {
        Instant accepted = Instant.now().minusSeconds(30);
        QuestionAsked expired = QuestionAsked.of("req-" + UUID.randomUUID(), "Who won Super Bowl 50?", null,
                Variant.defaults(5), accepted, accepted.plusSeconds(5), null);
        kafka.send(Topics.REQUESTS, expired.requestId(), expired);

        RequestFailed failure = awaitFailure(expired.requestId());
        assertThat(failure.errorCode()).isEqualTo(FailureCode.EXPIRED);
        assertThat(failure.eventId()).isEqualTo(EventIds.terminal(expired.requestId()));
        assertThat(failure.retryable()).isFalse();
        assertThat(kafka.values(Topics.CONTEXTS)).noneMatch(c -> c.requestId().equals(expired.requestId()));
    }

    @Test
    void aGarbageRequestGoesToTheDeadLetterTopicAndTheNextRequestIsStillAnswered() {
        String garbageKey = "req-garbage-" + UUID.randomUUID();
        // same key as the good request: same partition, so the good one queues behind the poison record
        String requestId = "req-" + UUID.randomUUID();
        kafka.sendRaw(Topics.REQUESTS.name(), requestId, "\u0000\u0001 not a question".getBytes(StandardCharsets.UTF_8));
        kafka.sendRaw(Topics.REQUESTS.name(), garbageKey, "{\"requestId\": 42}".getBytes(StandardCharsets.UTF_8));
        QuestionAsked good = QuestionAsked.of(requestId, "Where was Super Bowl 50 played?", null, Variant.defaults(3),
                Instant.now(), Instant.now().plus(Duration.ofMinutes(2)), null);
        kafka.send(Topics.REQUESTS, requestId, good);

        ContextRetrieved context = awaitContext(requestId);
        assertThat(context.chunks()).hasSize(3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafka.readAll(Topics.REQUESTS.deadLetterName()))
                .extracting(ConsumerRecord::key).contains(requestId, garbageKey));
        ConsumerRecord<String, byte[]> dead = kafka.readAll(Topics.REQUESTS.deadLetterName()).stream()
                .filter(r -> r.key().equals(garbageKey)).findFirst().orElseThrow();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"requestId\": 42}");
        assertThat(new String(dead.headers().lastHeader("kafka_dlt-original-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo(Topics.REQUESTS.name());
    }

    @Test
    void aSecondInstanceRebuildsTheSameIndexFromTheTopic() throws Exception {
        IndexStatus first = app.getBean(IndexStatus.class);
        assertThat(first.awaitCaughtUp(WAIT)).isTrue();
        try (ConfigurableApplicationContext second = start()) {
            IndexStatus rebuilt = second.getBean(IndexStatus.class);
            assertThat(rebuilt.awaitCaughtUp(WAIT)).isTrue();
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(rebuilt.documents()).isEqualTo(first.documents());
                assertThat(rebuilt.chunks()).isEqualTo(first.chunks());
                assertThat(rebuilt.corpusVersion()).isEqualTo(first.corpusVersion());
            });
            assertThat(getJson(second, "/v1/index").path("corpusVersion").asString())
                    .isEqualTo(first.corpusVersion());
        }
    }

    @Test
    void exposesLatencyAndIndexMetricsToPrometheus() throws Exception {
        awaitContext(ask("Who was the Super Bowl 50 MVP?", Duration.ofMinutes(2)).requestId());
        String metrics = get(app, "/actuator/prometheus").body();
        assertThat(metrics).contains("qa_latency_seconds_bucket{", "stage=\"embed\"", "stage=\"retrieve\"",
                "qa_index_documents", "qa_index_chunks", "qa_index_caught_up", "application=\"qaflow-embedder\"",
                "qa_kafka_consumer_lag{application=\"qaflow-embedder\",group=\"qa-embedder\",topic=\"qa.requests.v1\"}",
                "qa_kafka_consumer_lag{application=\"qaflow-embedder\",group=\"qaflow-embedder-corpus\","
                        + "topic=\"qa.documents.v1\"}");
        assertThat(get(app, "/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    private static QuestionAsked ask(String question, Duration timeout) {
        Instant now = Instant.now();
        QuestionAsked asked = QuestionAsked.of("req-" + UUID.randomUUID(), question, "user-1", Variant.defaults(5),
                now, now.plus(timeout), null);
        kafka.send(Topics.REQUESTS, asked.requestId(), asked);
        return asked;
    }

    private static ContextRetrieved awaitContext(String requestId) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(
                () -> kafka.values(Topics.CONTEXTS).stream().filter(c -> c.requestId().equals(requestId))
                        .findFirst().orElse(null), c -> c != null);
    }

    private static RequestFailed awaitFailure(String requestId) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(
                () -> kafka.values(Topics.FAILURES).stream().filter(f -> f.requestId().equals(requestId))
                        .findFirst().orElse(null), f -> f != null);
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(ConfigurableApplicationContext context, String path) throws Exception {
        HttpResponse<String> response = get(context, path);
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }
}
