package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without Kafka the gateway says so: 503 problem+json with Retry-After, readiness DOWN, never a 500; and it notices by
 * itself when the brokers go and when they come back.
 */
class KafkaUnavailableIT {
    private static final Map<String, String> FAST_FAILING = Map.of(
            "qaflow.kafka.publish.timeout", "1500ms",
            "qaflow.gateway.retry-after", "3s",
            "spring.kafka.admin.operation-timeout", "2s",
            "spring.kafka.admin.close-timeout", "1s");

    @Test
    void withoutABrokerTheGatewayIsNotReadyAndAnswers503() throws IOException {
        try (RunningGateway gateway = RunningGateway.start("127.0.0.1:" + unusedPort(), FAST_FAILING)) {
            Http http = new Http(gateway);

            Http.Reply readiness = http.get("/actuator/health/readiness");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.json().path("status").asString()).isEqualTo("DOWN");
            assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);

            Http.Reply question = http.postJson("/v1/requests", "{\"question\":\"Anyone there?\"}");
            assertThat(question.status()).isEqualTo(503);
            assertThat(question.contentType()).startsWith("application/problem+json");
            assertThat(question.header("Retry-After")).isEqualTo("3");
            assertThat(question.json().path("detail").asString()).contains("does not read answers");

            Http.Reply documents = http.postJson("/v1/documents", "{\"id\":\"d1\",\"text\":\"Some text.\"}");
            assertThat(documents.status()).isEqualTo(503);
            assertThat(documents.contentType()).startsWith("application/problem+json");
            assertThat(documents.header("Retry-After")).isEqualTo("3");
            assertThat(gateway.meters().counter("qa.errors", "stage", "publish", "code", "kafka_unavailable")
                    .count()).isEqualTo(1);
        }
    }

    /**
     * Every broker gone: within 10 s readiness is DOWN and asks fail at once (503, Retry-After) instead of each one
     * waiting out the publish timeout; when the broker is back, readiness is UP and asks are accepted, by themselves.
     */
    @Test
    void whenTheBrokersGoReadinessTurnsDownAndAsksFailFastUntilTheyAreBack() throws IOException {
        Path logDir = Files.createTempDirectory("qaflow-kafka-gone-");
        int port = unusedPort();
        int controllerPort = unusedPort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, port, controllerPort);
        Map<String, String> properties = new HashMap<>(FAST_FAILING);
        properties.put("qaflow.kafka.publish.timeout", "10s"); // what a caller waited per ask before
        try (RunningGateway gateway = RunningGateway.startReady(broker.bootstrapServers(), properties)) {
            Http http = new Http(gateway);
            assertThat(http.postJson("/v1/requests", "{\"question\":\"Before\"}").status()).isEqualTo(202);

            broker.close();
            broker = null;
            long gone = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/actuator/health/readiness").status() == 503);
            Duration noticedAfter = Duration.ofNanos(System.nanoTime() - gone);
            System.out.printf("readiness DOWN %d ms after the last broker stopped%n", noticedAfter.toMillis());
            assertThat(noticedAfter).isLessThan(Duration.ofSeconds(10));
            assertThat(http.get("/actuator/health/readiness").json().path("components").path("kafka")
                    .path("status").asString()).isEqualTo("DOWN");

            long asked = System.nanoTime();
            Http.Reply refused = http.postJson("/v1/ask", "{\"question\":\"Anyone there?\"}");
            Duration answeredIn = Duration.ofNanos(System.nanoTime() - asked);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isEqualTo("3");
            assertThat(answeredIn).as("fails at once instead of waiting out the publish timeout")
                    .isLessThan(Duration.ofSeconds(1));

            broker = EmbeddedKafkaBroker.start(logDir, port, controllerPort);
            await().atMost(Duration.ofSeconds(60)).until(() -> http.get("/actuator/health/readiness").status() == 200);
            assertThat(http.postJson("/v1/requests", "{\"question\":\"After\"}").status()).isEqualTo(202);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void aBrokerLostAfterStartMakesQuestions503ButKeepsTheRequestAndItsKey() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        Map<String, String> properties = new HashMap<>(FAST_FAILING);
        // the probe looks once, at start: the loss is met by the publish itself, whose outcome is then unknown
        properties.put("qaflow.kafka.availability.probe-interval", "1h");
        try (RunningGateway gateway = RunningGateway.startReady(broker.bootstrapServers(), properties)) {
            Http http = new Http(gateway);
            assertThat(http.postJson("/v1/requests", "{\"question\":\"Before\"}").status()).isEqualTo(202);

            broker.close();
            Http.Reply after = http.postJson("/v1/requests", "{\"question\":\"After\"}",
                    "Idempotency-Key", "lost-broker");

            // the record may still reach the broker: the client learns which request to follow
            assertThat(after.status()).isEqualTo(503);
            assertThat(after.contentType()).startsWith("application/problem+json");
            assertThat(after.header("Retry-After")).isEqualTo("3");
            assertThat(after.json().path("type").asString()).endsWith("publish-unconfirmed");
            String requestId = after.json().path("requestId").asString();
            assertThat(requestId).isNotBlank();
            assertThat(after.json().path("statusUrl").asString()).isEqualTo("/v1/requests/" + requestId);
            assertThat(after.header("Location")).isEqualTo("/v1/requests/" + requestId);
            assertThat(http.get("/v1/requests/" + requestId).json().path("status").asString())
                    .isEqualTo("QUEUED");

            // the key is kept: a retry is this request again, never a second one
            Http.Reply retry = http.postJson("/v1/requests", "{\"question\":\"After\"}",
                    "Idempotency-Key", "lost-broker");
            assertThat(retry.status()).isEqualTo(202);
            assertThat(retry.json().path("requestId").asString()).isEqualTo(requestId);
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
