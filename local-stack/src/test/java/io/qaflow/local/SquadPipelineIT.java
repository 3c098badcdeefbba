package io.qaflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.testkit.squad.Squad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline on a real broker with the built-in extractive answerer: all 227 SQuAD paragraphs ingested
 * through POST /v1/documents, then every answerable Super_Bowl_50 question asked through POST /v1/ask.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SquadPipelineIT {
    private static final double WHOLE_PARAGRAPH_BASELINE_RECALL_AT_5 = 0.865;

    @TempDir
    static Path dataDir;

    private LocalStack stack;
    private GatewayClient gateway;
    /** Questions asked by this class's tests: each ends in one terminal event the aggregator must count. */
    private final AtomicInteger asked = new AtomicInteger();

    @BeforeAll
    void startAndIngest() {
        stack = GatewayClient.startWithCorpus(LocalStackSettings.forTests(dataDir), Squad.all().paragraphs());
        gateway = new GatewayClient(stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1) // before the recall test asks every question: this answer must come through the stages
    void answersTheReadmeQuestionWithSourcesAndStageLatencies() {
        GatewayClient.Response response = ask("Which NFL team represented the AFC at Super Bowl 50?", Map.of());

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.body();
        assertThat(body.path("status").asString()).isEqualTo("ANSWERED");
        assertThat(body.path("answer").asString()).contains("Denver Broncos");
        assertThat(body.path("degraded").asBoolean(true)).isFalse();
        assertThat(body.path("sources")).isNotEmpty();
        assertThat(body.path("sources").get(0).path("documentId").asString()).startsWith("Super_Bowl_50-p");
        JsonNode latency = body.path("latencyMs");
        assertThat(latency.path("total").asLong()).isPositive();
        assertThat(latency.has("embed") && latency.has("retrieve") && latency.has("generate")).isTrue();
        assertThat(latency.path("total").asLong())
                .isGreaterThanOrEqualTo(latency.path("embed").asLong() + latency.path("retrieve").asLong());
    }

    @Test
    @Order(2)
    void theAsyncPathReachesTheSameAnswerByPollingAndStreaming() {
        String question = "Where did Super Bowl 50 take place?";
        GatewayClient.Response sync = ask(question, Map.of());
        GatewayClient.Response accepted = gateway.submit(question, Map.of());
        asked.incrementAndGet();

        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.raw().headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/v1/requests/" + accepted.body().path("requestId").asString());

        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get(location).body(),
                b -> b.path("status").asString().equals("ANSWERED"));
        assertThat(done.path("answer").asString()).isEqualTo(sync.body().path("answer").asString());
        assertThat(documentIds(done)).isEqualTo(documentIds(sync.body()));
        assertThat(done.path("usage").has("promptTokens")).isTrue();
        assertThat(gateway.eventNames(location + "/events", Duration.ofSeconds(10))).containsExactly("ANSWERED");
    }

    @Test
    @Order(3)
    void retrievalRecallAndExtractiveAnswersOverEverySuperBowlQuestion() throws Exception {
        List<Squad.Question> questions = Squad.superBowl50().answerableQuestions();
        List<JsonNode> answers = askAll(questions);

        int top1 = 0;
        int top5 = 0;
        int answered = 0;
        int degraded = 0;
        for (int i = 0; i < questions.size(); i++) {
            Squad.Question q = questions.get(i);
            JsonNode body = answers.get(i);
            List<String> ranked = documentIds(body);
            if (!ranked.isEmpty() && ranked.getFirst().equals(q.goldDocumentId())) {
                top1++;
            }
            if (ranked.stream().limit(5).anyMatch(q.goldDocumentId()::equals)) {
                top5++;
            }
            if (q.isAnsweredBy(body.path("answer").asString(""))) {
                answered++;
            }
            if (body.path("degraded").asBoolean(false)) {
                degraded++;
            }
        }
        double recallAt5 = (double) top5 / questions.size();
        System.out.printf("%nqaflow retrieval over POST /v1/ask: recall@5=%.3f recall@1=%.3f "
                        + "(%d Super_Bowl_50 questions, 227 SQuAD paragraphs indexed; whole-paragraph baseline 0.865)%n",
                recallAt5, (double) top1 / questions.size(), questions.size());
        System.out.printf("qaflow extractive answers containing a gold answer: %d/%d = %.3f%n%n", answered,
                questions.size(), (double) answered / questions.size());

        assertThat(recallAt5).isGreaterThanOrEqualTo(WHOLE_PARAGRAPH_BASELINE_RECALL_AT_5);
        assertThat(degraded).isZero();
        assertThat(answered).as("extractive answers containing a gold answer").isGreaterThan(questions.size() / 4);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theAggregatorCountsEveryAskedQuestionInTheDefaultExperiment() {
        GatewayClient aggregator = new GatewayClient(stack.aggregatorUrl());
        assertThat(asked.get()).as("runs after the tests that ask").isPositive();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            GatewayClient.Response stats = aggregator.get("/v1/experiments/default/stats");
            assertThat(stats.status()).isEqualTo(200);
            JsonNode cumulative = stats.body().path("variants").get(0).path("cumulative");
            assertThat(cumulative.path("variant").asString()).isEqualTo("control");
            assertThat(cumulative.path("requests").asLong()).isEqualTo(asked.get());
            assertThat(cumulative.path("answered").asLong()).isEqualTo(asked.get());
        });
    }

    private GatewayClient.Response ask(String question, Map<String, Object> extra) {
        asked.incrementAndGet();
        return gateway.ask(question, extra);
    }

    private List<JsonNode> askAll(List<Squad.Question> questions) throws Exception {
        Semaphore concurrency = new Semaphore(16);
        List<Future<JsonNode>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Squad.Question q : questions) {
                futures.add(pool.submit(() -> {
                    concurrency.acquire();
                    try {
                        GatewayClient.Response r = ask(q.question(), Map.of("topK", 5, "timeoutMs", 60_000));
                        assertThat(r.status()).as(q.question() + " -> " + r.body()).isEqualTo(200);
                        return r.body();
                    } finally {
                        concurrency.release();
                    }
                }));
            }
            List<JsonNode> bodies = new ArrayList<>();
            for (Future<JsonNode> f : futures) {
                bodies.add(f.get());
            }
            return bodies;
        }
    }

    /** The distinct documents of an answer's sources, in rank order. */
    static List<String> documentIds(JsonNode answer) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        answer.path("sources").forEach(s -> ids.add(s.path("documentId").asString()));
        return List.copyOf(ids);
    }
}
