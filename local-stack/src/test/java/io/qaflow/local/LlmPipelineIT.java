package io.qaflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.kafka.ConcurrentRecordConsumer;
import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import io.qaflow.testkit.squad.Squad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The whole pipeline answering through an OpenAI-compatible endpoint: the project's fake server over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmPipelineIT {
    private static final String QUESTION = "Which NFL team represented the AFC at Super Bowl 50?";
    private static final double INPUT_PER_MILLION = 1.0;
    private static final double OUTPUT_PER_MILLION = 2.0;

    @TempDir
    static Path dataDir;

    private FakeOpenAiServer llm;
    private LocalStack stack;
    private GatewayClient gateway;
    private Map<String, Object> answerWorkerProperties;

    @BeforeAll
    void start() {
        llm = FakeOpenAiServer.start();
        answerWorkerProperties = new HashMap<>();
        answerWorkerProperties.put("qaflow.answer.llm.base-url", llm.baseUrl());
        answerWorkerProperties.put("qaflow.answer.llm.api-key", "test-key");
        answerWorkerProperties.put("qaflow.answer.llm.model", FakeLlmConfig.DEFAULT_MODEL);
        answerWorkerProperties.put("qaflow.answer.llm.call-timeout", "2s");
        answerWorkerProperties.put("qaflow.answer.prices.fake-gpt.input-per-million", INPUT_PER_MILLION);
        answerWorkerProperties.put("qaflow.answer.prices.fake-gpt.output-per-million", OUTPUT_PER_MILLION);
        answerWorkerProperties.put("qaflow.answer.resilience.circuit-breaker.open-duration", "3s");
        answerWorkerProperties.put("qaflow.answer.resilience.retry.initial-backoff", "100ms");
        answerWorkerProperties.put("qaflow.answer.resilience.retry.max-backoff", "400ms");
        stack = GatewayClient.startWithCorpus(
                // every test here asks the LLM the same question on purpose: no answer cache in the way
                LocalStackSettings.forTests(dataDir).withAnswerWorkerProperties(answerWorkerProperties)
                        .withServiceProperties(Map.of("qaflow.cache.enabled", false)),
                Squad.superBowl50().paragraphs());
        gateway = new GatewayClient(stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (llm != null) {
            llm.close();
        }
    }

    @BeforeEach
    void healthyLlm() {
        llm.configure(FakeLlmConfig.defaults());
    }

    @Test
    @Order(1)
    void answersCarryTheLlmsUsageAndTheirCost() {
        GatewayClient.Response response = gateway.ask(QUESTION, Map.of());

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.body();
        assertThat(body.path("model").asString()).isEqualTo(FakeLlmConfig.DEFAULT_MODEL);
        assertThat(body.path("degraded").asBoolean(true)).isFalse();
        JsonNode usage = body.path("usage");
        assertThat(usage.path("estimated").asBoolean(true)).isFalse();
        long prompt = usage.path("promptTokens").asLong();
        long completion = usage.path("completionTokens").asLong();
        assertThat(prompt).isPositive();
        assertThat(completion).isPositive();
        assertThat(body.path("costUsd").asDouble())
                .isCloseTo((prompt * INPUT_PER_MILLION + completion * OUTPUT_PER_MILLION) / 1e6,
                        org.assertj.core.data.Offset.offset(1e-12));
        assertThat(body.path("latencyMs").path("generate").asLong()).isPositive();
    }

    @Test
    @Order(2)
    void failuresOpenTheCircuitSoAnswersDegradeAndItClosesWhenTheLlmRecovers() {
        llm.configure(FakeLlmConfig.defaults().withErrors(1.0, 500));

        JsonNode degraded = gateway.ask(QUESTION, Map.of()).body();
        assertThat(degraded.path("status").asString()).isEqualTo("ANSWERED");
        assertThat(degraded.path("degraded").asBoolean()).as("retries exhausted: the fallback answers").isTrue();
        assertThat(degraded.path("model").asString()).isEqualTo("extractive");
        assertThat(degraded.path("answer").asString()).contains("Denver Broncos");
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).until(() -> {
            long callsBefore = llm.stats().received();
            boolean answeredDegraded = gateway.ask(QUESTION, Map.of()).body().path("degraded").asBoolean(false);
            return answeredDegraded && llm.stats().received() == callsBefore;
        });
        assertThat(gateway.get(stack.answerWorkerUrl().resolve("/actuator/prometheus").toString()).raw().body())
                .containsPattern("qa_llm_calls_total\\{.*circuit=\"open\"");

        llm.configure(FakeLlmConfig.defaults());

        JsonNode recovered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(
                () -> gateway.ask(QUESTION, Map.of()).body(), b -> !b.path("degraded").asBoolean(true));
        assertThat(recovered.path("model").asString()).isEqualTo(FakeLlmConfig.DEFAULT_MODEL);
    }

    @Test
    @Order(3)
    void aHangingLlmEndsInADegradedAnswerOrFailureWithinTheDeadline() {
        llm.configure(FakeLlmConfig.defaults().withHang(true));

        long started = System.nanoTime();
        GatewayClient.Response response = gateway.ask(QUESTION, Map.of("timeoutMs", 60_000));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        String id = requestId(response);
        JsonNode status = gateway.get("/v1/requests/" + id).body();
        Duration deadline = Duration.between(java.time.Instant.parse(status.path("acceptedAt").asString()),
                java.time.Instant.parse(status.path("deadline").asString()));
        assertThat(took).isLessThan(deadline);
        // the answer worker gave up on the hanging calls itself (2 s call limit, 3 attempts) and fell back
        assertThat(status.path("status").asString()).isEqualTo("ANSWERED");
        assertThat(status.path("degraded").asBoolean()).isTrue();
        List<Object> terminal = terminalRecords(Set.of(id)).get(id);
        assertThat(terminal).singleElement().isInstanceOfSatisfying(AnswerCompleted.class,
                a -> assertThat(a.degraded()).isTrue());
        assertThat(stack.answerWorkerService().context().getBean(ConcurrentRecordConsumer.class).inFlight()).isZero();
    }

    @Test
    @Order(4)
    void anAnswerWorkerCrashMidFlightLosesNothingAndAnswersNoClientTwice() {
        llm.configure(FakeLlmConfig.defaults().withLatency(Duration.ofSeconds(3)));
        stack.restartAnswerWorker(answerWorkerProperties);
        long callsBefore = llm.stats().received();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            GatewayClient.Response accepted = gateway.submit(QUESTION + " #" + i, Map.of("timeoutMs", 60_000));
            assertThat(accepted.status()).isEqualTo(202);
            ids.add(accepted.body().path("requestId").asString());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> llm.stats().received() - callsBefore >= 20);

        ConcurrentRecordConsumer runner = stack.answerWorkerService().context().getBean(ConcurrentRecordConsumer.class);
        int inFlightAtCrash = runner.inFlight();
        runner.crash();
        llm.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(50)));
        stack.restartAnswerWorker(answerWorkerProperties);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> ids.stream()
                .allMatch(id -> gateway.get("/v1/requests/" + id).body().path("status").asString().equals("ANSWERED")));
        Map<String, JsonNode> seen = new HashMap<>();
        for (String id : ids) {
            seen.put(id, gateway.get("/v1/requests/" + id).body());
        }

        Map<String, List<Object>> terminal = terminalRecords(Set.copyOf(ids));
        assertThat(terminal.keySet()).as("every request has a terminal event").containsExactlyInAnyOrderElementsOf(ids);
        // at-least-once: a request the crashed worker had answered without committing may be answered again, but
        // only ever as the same answer event (same id), never as an answer and a failure
        assertThat(terminal).allSatisfy((id, records) -> assertThat(records).allSatisfy(r -> {
            assertThat(r).isInstanceOf(AnswerCompleted.class);
            assertThat(((AnswerCompleted) r).eventId()).isEqualTo(EventIds.terminal(id));
        }));
        int redelivered = terminal.values().stream().mapToInt(List::size).sum() - ids.size();
        System.out.printf("answer-worker crash: %d requests, %d LLM calls in flight at the crash, %d answers "
                + "published twice on qa.answers.v1, 0 answered twice to a client%n", ids.size(), inFlightAtCrash,
                redelivered);
        for (String id : ids) {
            assertThat(gateway.get("/v1/requests/" + id).body()).as("what the client sees never changes")
                    .isEqualTo(seen.get(id));
        }
    }

    @Test
    @Order(5)
    void theEventStreamShowsEachStatusChangeInOrder() {
        llm.configure(FakeLlmConfig.defaults().withLatency(Duration.ofMillis(1500)));

        GatewayClient.Response accepted = gateway.submit(QUESTION, Map.of());
        List<String> events = gateway.eventNames(accepted.raw().headers().firstValue("Location").orElseThrow()
                + "/events", Duration.ofSeconds(30));

        List<String> lifecycle = List.of("QUEUED", "RETRIEVING", "GENERATING", "ANSWERED");
        assertThat(events).endsWith("GENERATING", "ANSWERED").doesNotHaveDuplicates();
        assertThat(events).isSortedAccordingTo(java.util.Comparator.comparingInt(lifecycle::indexOf));
    }

    private static String requestId(GatewayClient.Response response) {
        String id = response.body().path("requestId").asString("");
        if (id.isEmpty()) {
            id = response.body().path("instance").asString("").replaceAll(".*/", "");
        }
        assertThat(id).as("request id in " + response.body()).isNotBlank();
        return id;
    }

    /** Every terminal record (answer or failure) on the topics for these requests, per request. */
    private Map<String, List<Object>> terminalRecords(Set<String> requestIds) {
        Map<String, List<Object>> byRequest = new HashMap<>();
        readAll(Topics.ANSWERS, requestIds, byRequest);
        readAll(Topics.FAILURES, requestIds, byRequest);
        return byRequest;
    }

    private <V> void readAll(Topic<String, V> topic, Set<String> requestIds, Map<String, List<Object>> byRequest) {
        Map<String, Object> props = KafkaClients.consumerConfigFor(stack.bootstrapServers(), "it-" + UUID.randomUUID(), "it");
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(3).toNanos()) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                for (ConsumerRecord<String, V> record : records) {
                    if (requestIds.contains(record.key())) {
                        byRequest.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                    }
                }
            }
        }
    }
}
