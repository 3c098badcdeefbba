package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.qaflow.answer.resilience.LlmResilience;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Injected LLM failures open the circuit, answers arrive degraded while it is open, and it closes again once the
 * fake recovers (open duration 2 s here, 60 s by default). Also checks what health and metrics show meanwhile.
 */
class CircuitBreakerIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static AnswerWorkerStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        stack = AnswerWorkerStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void opensOnFailuresAnswersDegradedAndClosesWhenTheLlmRecovers() throws Exception {
        CircuitBreaker circuit = stack.bean(LlmResilience.class).circuitBreaker();
        assertThat(ask().degraded()).isFalse();
        assertThat(getText("/actuator/prometheus")).as("tokens and spend of the answer the LLM gave")
                .containsPattern("qa_llm_tokens_total\\{[^}]*type=\"prompt\"[^}]*\\} [1-9]")
                .containsPattern("qa_llm_tokens_total\\{[^}]*type=\"completion\"[^}]*\\} [1-9]")
                .contains("qa_llm_cost_usd_total{");

        stack.fake.configure(FakeLlmConfig.defaults().withErrors(1.0, 500));
        // three attempts each: the fifth failure in a row, during the second request, opens the circuit
        assertThat(ask().degraded()).isTrue();
        assertThat(ask().degraded()).isTrue();
        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.OPEN);

        long callsWhenOpened = stack.fake.stats().received();
        AnswerCompleted whileOpen = ask();
        assertThat(whileOpen.degraded()).isTrue();
        assertThat(whileOpen.model()).isEqualTo("extractive");
        assertThat(whileOpen.answer()).contains("Berlin");
        assertThat(stack.fake.stats().received()).as("no calls while open").isEqualTo(callsWhenOpened);
        JsonNode health = get("/actuator/health");
        assertThat(health.path("components").path("llm").path("details").path("circuit").asString())
                .isEqualTo("open");
        assertThat(health.path("status").asString()).as(health.toString()).isEqualTo("UP");
        assertThat(getText("/actuator/prometheus")).contains("qa_llm_calls_total{")
                .containsPattern("qa_llm_calls_total\\{[^}]*circuit=\"open\"[^}]*outcome=\"rejected\"");

        stack.fake.configure(FakeLlmConfig.defaults());
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                .until(() -> !ask().degraded());
        assertThat(ask().degraded()).isFalse();
        assertThat(ask().degraded()).isFalse();

        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(get("/actuator/health").path("components").path("llm").path("details").path("circuit")
                .asString()).isEqualTo("closed");
    }

    @Test
    void exposesLivenessAndReadinessGroups() throws Exception {
        JsonNode readiness = get("/actuator/health/readiness");
        assertThat(readiness.path("status").asString()).as(readiness.toString()).isEqualTo("UP");
        assertThat(readiness.path("components").has("answerConsumer")).isTrue();
        assertThat(get("/actuator/health/liveness").path("status").asString()).isEqualTo("UP");
        assertThat(getText("/actuator/prometheus")).contains("qa_latency_seconds_bucket{")
                .contains("qa_answer_inflight");
    }

    private static AnswerCompleted ask() {
        String id = UUID.randomUUID().toString();
        stack.publisher.publish(context(id, Duration.ofSeconds(30)));
        return await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(id), a -> a != null);
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(getText(path));
    }

    private String getText(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + stack.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
