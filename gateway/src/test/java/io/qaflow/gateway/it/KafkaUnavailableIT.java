package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without Kafka the gateway says so: 503 problem+json with Retry-After, readiness DOWN, never a 500. */
class KafkaUnavailableIT {
    private static final Map<String, String> FAST_FAILING = Map.of(
            "qaflow.gateway.publish-timeout", "1500ms",
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

    @Test
    void aBrokerLostAfterStartMakesQuestions503ButKeepsTheRequestAndItsKey() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        try (RunningGateway gateway = RunningGateway.startReady(broker.bootstrapServers(), FAST_FAILING)) {
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
