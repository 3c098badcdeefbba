package io.qaflow.embedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.embedder.embedding.EmbeddingBatcher;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.model.kafka.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * {@code qaflow.embedder.device} on a machine without a usable GPU (this build has the CPU-only ONNX Runtime): auto
 * runs on the CPU and says so in health and {@code /v1/index}; gpu stops the start with the reason. No broker is
 * needed: the model loads before any Kafka client connects.
 */
class EmbeddingDeviceIT {
    private static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void autoFallsBackToTheCpuAndShowsTheDeviceAndEngineInHealthAndIndex() throws Exception {
        try (ConfigurableApplicationContext app = start("auto")) {
            JsonNode health = getJson(app, "/actuator/health").path("components").path("embeddingModel");
            assertThat(health.path("status").asString()).isEqualTo("UP");
            JsonNode details = health.path("details");
            assertThat(details.path("device").asString()).isEqualTo("cpu");
            assertThat(details.path("engine").asString()).isEqualTo("OnnxRuntime");
            assertThat(details.path("executionProvider").asString()).isEqualTo("CPU");
            assertThat(details.path("requestedDevice").asString()).isEqualTo("AUTO");
            assertThat(details.path("precision").asString()).isEqualTo("FP32");

            JsonNode embedding = getJson(app, "/v1/index").path("embedding");
            assertThat(embedding.path("device").asString()).isEqualTo("cpu");
            assertThat(embedding.path("engine").asString()).isEqualTo("OnnxRuntime");
            assertThat(embedding.path("model").asString()).isEqualTo("all-minilm-l6-v2");
            // everything that embeds goes through the batcher
            assertThat(app.getBean(EmbeddingModel.class)).isInstanceOf(EmbeddingBatcher.class);
        }
    }

    @Test
    void gpuWithoutAUsableGpuFailsTheStartNamingWhy() {
        assertThatThrownBy(() -> start("gpu").close())
                .isInstanceOf(BeanCreationException.class)
                .rootCause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("qaflow.embedder.device=gpu but no GPU is usable")
                .hasMessageContaining("CUDA");
    }

    @Test
    void anUnknownDeviceIsRefused() {
        assertThatThrownBy(() -> start("tpu").close()).hasStackTraceContaining("qaflow.embedder.device");
    }

    private static ConfigurableApplicationContext start(String device) throws IOException {
        return EmbedderApplication.builder()
                .properties("spring.kafka.bootstrap-servers=127.0.0.1:" + freePort(), "server.port=0",
                        "qaflow.redis.url=redis://127.0.0.1:" + freePort(), "qaflow.embedder.device=" + device,
                        "spring.kafka.admin.operation-timeout=1s", "spring.kafka.admin.close-timeout=1s")
                .run();
    }

    private static JsonNode getJson(ConfigurableApplicationContext context, String path) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isIn(200, 503);
        return Json.MAPPER.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
