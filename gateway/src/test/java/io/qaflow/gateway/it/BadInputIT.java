package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Bad input over real HTTP against the running gateway (real broker): every case gets its 4xx as an RFC 9457
 * problem naming the offending field, never a 5xx, and nothing reaches Kafka.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    private static final String JSON = "application/json";
    private static final String LONG_ID = "x".repeat(257);

    private static EmbeddedKafkaBroker broker;
    private static RunningGateway gateway;
    private static Http http;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        gateway = RunningGateway.startReady(broker.bootstrapServers(), Map.of());
        http = new Http(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** One bad call and what it must get back; {@code field} is the name the problem's errors must contain. */
    record Case(String name, String method, String path, String contentType, String body, boolean chunked,
                Map<String, String> headers, int status, String field) {
        @Override
        public String toString() {
            return name + " -> " + status + (field != null ? " " + field : "");
        }

        Case withHeader(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Case(name, method, path, contentType, body, chunked, more, status, field);
        }

        Case withContentType(String type) {
            return new Case(name, method, path, type, body, chunked, headers, status, field);
        }

        Case streamed() {
            return new Case(name, method, path, contentType, body, true, headers, status, field);
        }
    }

    private static Case call(String name, String method, String path, String body, int status, String field) {
        return new Case(name, method, path, body != null ? JSON : null, body, false, Map.of(), status, field);
    }

    private static Case post(String name, String path, String body, int status, String field) {
        return call(name, "POST", path, body, status, field);
    }

    private static Case ask(String name, String body, String field) {
        return post(name, "/v1/ask", body, 400, field);
    }

    private static Case document(String name, String body, String field) {
        return post(name, "/v1/documents", body, 400, field);
    }

    static Stream<Case> badInputs() {
        String bigQuestion = "{\"question\":\"" + "a".repeat(70 * 1024) + "\"}";
        return Stream.of(
                // body and JSON shape
                ask("malformed JSON", "{\"question\": ", "body"),
                ask("empty body", "", "body"),
                ask("JSON null", "null", "body"),
                ask("array instead of object", "[{\"question\":\"q\"}]", "body"),
                ask("string instead of object", "\"Who won?\"", "body"),
                ask("trailing garbage", "{\"question\":\"q\"} {}", "body"),
                ask("duplicate field", "{\"question\":\"a\",\"question\":\"b\"}", "body"),
                // question
                ask("question missing", "{}", "question"),
                ask("question empty", "{\"question\":\"\"}", "question"),
                ask("question blank after trimming", "{\"question\":\"  \\n\\t  \"}", "question"),
                ask("question too long", "{\"question\":\"" + "q".repeat(4001) + "\"}", "question"),
                ask("question is a number", "{\"question\":42}", "question"),
                ask("question is an array", "{\"question\":[\"a\"]}", "question"),
                ask("question is an object", "{\"question\":{\"text\":\"a\"}}", "question"),
                // topK, timeoutMs, userId
                ask("topK zero", "{\"question\":\"q\",\"topK\":0}", "topK"),
                ask("topK above 50", "{\"question\":\"q\",\"topK\":51}", "topK"),
                ask("topK as a string", "{\"question\":\"q\",\"topK\":\"5\"}", "topK"),
                ask("topK fractional", "{\"question\":\"q\",\"topK\":2.5}", "topK"),
                ask("topK boolean", "{\"question\":\"q\",\"topK\":true}", "topK"),
                ask("timeoutMs below 100", "{\"question\":\"q\",\"timeoutMs\":99}", "timeoutMs"),
                ask("timeoutMs above 120000", "{\"question\":\"q\",\"timeoutMs\":120001}", "timeoutMs"),
                ask("timeoutMs overflows int", "{\"question\":\"q\",\"timeoutMs\":99999999999999}", "timeoutMs"),
                ask("userId too long", "{\"question\":\"q\",\"userId\":\"" + "u".repeat(129) + "\"}", "userId"),
                ask("userId empty", "{\"question\":\"q\",\"userId\":\"\"}", "userId"),
                ask("userId a number", "{\"question\":\"q\",\"userId\":7}", "userId"),
                ask("unknown field", "{\"question\":\"q\",\"colour\":\"red\"}", "colour"),
                post("unknown field on submit", "/v1/requests", "{\"question\":\"q\",\"top_k\":3}", 400, "top_k"),
                post("submit without question", "/v1/requests", "{\"userId\":\"u\"}", 400, "question"),
                // size, content type, method, accept
                post("question body over 64 KiB", "/v1/ask", bigQuestion, 413, "body"),
                post("question body over 64 KiB, chunked", "/v1/requests", bigQuestion, 413, "body").streamed(),
                post("text/plain body", "/v1/ask", "{\"question\":\"q\"}", 415, "Content-Type")
                        .withContentType("text/plain"),
                post("form body", "/v1/requests", "question=q", 415, "Content-Type")
                        .withContentType("application/x-www-form-urlencoded"),
                new Case("no content type", "POST", "/v1/ask", null, "{\"question\":\"q\"}", false, Map.of(), 415,
                        "Content-Type"),
                call("PUT on /v1/ask", "PUT", "/v1/ask", "{\"question\":\"q\"}", 405, "method"),
                call("GET on /v1/ask", "GET", "/v1/ask", null, 405, "method"),
                call("DELETE on /v1/requests/{id}", "DELETE", "/v1/requests/abc", null, 405, "method"),
                call("GET on /v1/documents", "GET", "/v1/documents", null, 405, "method"),
                post("Accept text/html", "/v1/ask", "{\"question\":\"q\"}", 406, "Accept")
                        .withHeader("Accept", "text/html"),
                call("event stream asked as HTML", "GET", "/v1/requests/abc/events", null, 406, "Accept")
                        .withHeader("Accept", "text/html"),
                // headers
                post("Idempotency-Key too long", "/v1/requests", "{\"question\":\"q\"}", 400, "Idempotency-Key")
                        .withHeader("Idempotency-Key", "k".repeat(256)),
                post("Idempotency-Key on ask too long", "/v1/ask", "{\"question\":\"q\"}", 400, "Idempotency-Key")
                        .withHeader("Idempotency-Key", "k".repeat(300)),
                call("X-Request-Id too long", "GET", "/v1/requests/abc", null, 400, "X-Request-Id")
                        .withHeader("X-Request-Id", "r".repeat(129)),
                // unknown ids and routes
                call("unknown request", "GET", "/v1/requests/no-such-request", null, 404, "id"),
                call("events of unknown request", "GET", "/v1/requests/no-such-request/events", null, 404, "id")
                        .withHeader("Accept", "text/event-stream"),
                post("feedback on unknown request", "/v1/requests/no-such-request/feedback", "{\"rating\":\"up\"}",
                        404, "id"),
                call("unknown endpoint", "GET", "/v1/nothing-here", null, 404, "path"),
                // feedback
                post("rating not up or down", "/v1/requests/r1/feedback", "{\"rating\":\"meh\"}", 400, "rating"),
                post("rating missing", "/v1/requests/r1/feedback", "{}", 400, "rating"),
                post("rating a number", "/v1/requests/r1/feedback", "{\"rating\":1}", 400, "rating"),
                // documents
                document("no documents", "{\"documents\":[]}", "documents"),
                document("documents not an array", "{\"documents\":{\"id\":\"a\"}}", "documents"),
                document("null document", "{\"documents\":[null]}", "documents[0]"),
                document("id with a space", "{\"documents\":[{\"id\":\"bad id\",\"text\":\"t\"}]}",
                        "documents[0].id"),
                document("id too long", "{\"id\":\"" + LONG_ID + "\",\"text\":\"t\"}", "id"),
                document("id missing", "{\"documents\":[{\"id\":\"ok\",\"text\":\"t\"},{\"text\":\"t\"}]}",
                        "documents[1].id"),
                document("text empty", "{\"id\":\"ok\",\"text\":\"\"}", "text"),
                document("text blank", "{\"id\":\"ok\",\"text\":\"   \"}", "text"),
                document("text too long", "{\"id\":\"ok\",\"text\":\"" + "t".repeat(100_001) + "\"}", "text"),
                document("title too long", "{\"id\":\"ok\",\"text\":\"t\",\"title\":\"" + "T".repeat(1001) + "\"}",
                        "title"),
                document("title a number", "{\"id\":\"ok\",\"text\":\"t\",\"title\":5}", "title"),
                document("metadata value an array", "{\"id\":\"ok\",\"text\":\"t\",\"metadata\":{\"tags\":[\"a\"]}}",
                        "metadata.tags"),
                document("metadata value an object",
                        "{\"documents\":[{\"id\":\"ok\",\"text\":\"t\",\"metadata\":{\"m\":{\"a\":1}}}]}",
                        "documents[0].metadata.m"),
                document("metadata not an object", "{\"id\":\"ok\",\"text\":\"t\",\"metadata\":[1]}", "metadata"),
                // metadata limits keep every valid document within one Kafka record (see DocumentSizeBoundTest)
                document("metadata with 33 entries", "{\"id\":\"ok\",\"text\":\"t\",\"metadata\":{"
                        + java.util.stream.IntStream.range(0, 33).mapToObj(i -> "\"k" + i + "\":" + i)
                        .collect(java.util.stream.Collectors.joining(",")) + "}}", "metadata"),
                document("metadata value over 1000 characters", "{\"documents\":[{\"id\":\"ok\",\"text\":\"t\","
                        + "\"metadata\":{\"note\":\"" + "n".repeat(1001) + "\"}}]}", "documents[0].metadata.note"),
                document("unknown document field", "{\"documents\":[{\"id\":\"a\",\"text\":\"t\",\"lang\":\"en\"}]}",
                        "documents[0].lang"),
                post("documents body over 8 MiB", "/v1/documents",
                        "{\"id\":\"big\",\"text\":\"" + "t".repeat(8 * 1024 * 1024) + "\"}", 413, "body"),
                call("delete with an invalid id", "DELETE", "/v1/documents/bad%20id", null, 400, "id"));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsA4xxProblemNamingTheField(Case badInput) {
        Http.Reply reply = http.send(requestFor(badInput));

        assertThat(reply.status()).as(reply.body()).isEqualTo(badInput.status()).isBetween(400, 499);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.header("X-Request-Id")).isNotBlank();
        JsonNode problem = reply.json();
        assertThat(problem.path("type").asString()).startsWith("urn:qaflow:problem:");
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("status").asInt()).isEqualTo(badInput.status());
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(problem.path("instance").asString()).isEqualTo(badInput.path());
        assertThat(problem.path("errors").values().stream().map(e -> e.path("field").asString()).toList())
                .as(reply.body()).contains(badInput.field());
        assertThat(problem.path("errors").values()).allSatisfy(e ->
                assertThat(e.path("message").asString()).isNotBlank());
    }

    @Order(2)
    @Test
    void everyProblemOfABodyIsReportedAtOnce() {
        Http.Reply reply = http.postJson("/v1/ask",
                "{\"topK\":0,\"timeoutMs\":5,\"colour\":\"red\",\"size\":{\"a\":1},\"userId\":\"\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("errors").values().stream().map(e -> e.path("field").asString()).toList())
                .containsExactlyInAnyOrder("colour", "size", "question", "topK", "timeoutMs", "userId");
    }

    @Order(3)
    @Test
    void squadDocumentIdsAreAccepted() {
        for (String id : List.of("Super_Bowl_50-p0", "Sky_(United_Kingdom)-p3", "a", "ns:doc/1.2_(x)-y")) {
            Http.Reply reply = http.postJson("/v1/documents", Http.json(Map.of("id", id, "text", "Some text.")));
            assertThat(reply.status()).as(id + ": " + reply.body()).isEqualTo(202);
        }
    }

    @Order(4)
    @Test
    void documentBodiesMayBeFarLargerThanQuestionBodies() {
        List<Map<String, String>> documents = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            documents.add(Map.of("id", "large-" + i, "text", "word ".repeat(12_000)));
        }
        String body = Http.json(Map.of("documents", documents));
        assertThat(body.length()).isGreaterThan(1_000_000);

        Http.Reply reply = http.postJson("/v1/documents", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        assertThat(reply.json().path("accepted")).hasSize(20);
    }

    @Order(5)
    @Test
    void noBadInputReachedKafka() {
        try (TopicReader requests = TopicReader.of(broker.bootstrapServers(), Topics.REQUESTS);
             TopicReader feedback = TopicReader.of(broker.bootstrapServers(), Topics.FEEDBACK);
             TopicReader documents = TopicReader.of(broker.bootstrapServers(), Topics.DOCUMENTS)) {
            assertThat(requests.endOffsetSum()).isZero();
            assertThat(feedback.endOffsetSum()).isZero();
            assertThat(documents.endOffsetSum()).as("only the valid documents of the two tests above")
                    .isEqualTo(4 + 20);
        }
    }

    private static HttpRequest requestFor(Case c) {
        HttpRequest.BodyPublisher body;
        if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (c.chunked()) {
            // no Content-Length: the limit must hold while the body streams in
            body = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofByteArray(c.body().getBytes(StandardCharsets.UTF_8)));
        } else {
            body = HttpRequest.BodyPublishers.ofString(c.body());
        }
        HttpRequest.Builder builder = http.request(c.path()).method(c.method(), body);
        if (c.contentType() != null) {
            builder.header("Content-Type", c.contentType());
        }
        c.headers().forEach(builder::header);
        return builder.build();
    }
}
