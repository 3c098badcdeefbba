package io.qaflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.model.Variant;
import io.qaflow.testkit.browser.HeadlessChromium;
import io.qaflow.testkit.fakellm.FakeLlmConfig;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import io.qaflow.testkit.squad.Squad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * Experiments end to end on the local stack with the fake LLM: the gateway assigns users to arms, the aggregator
 * writes verdicts, and the experiment controller rolls back a harmful treatment and promotes a better one by itself
 * (restarted in the middle), and its report renders in a browser with the aggregator's figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsIT {
    private static final String FAILING_MODEL = "fake-gpt-flaky";
    private static final Duration DECISION_BOUND = Duration.ofSeconds(150);
    private static final int BATCH = 24;

    @TempDir
    static Path dataDir;

    private FakeOpenAiServer llm;
    private LocalStack stack;
    private GatewayClient gateway;
    private GatewayClient controller;
    private ExecutorService clients;
    private final AtomicInteger users = new AtomicInteger();
    private final List<String> paragraphs = new ArrayList<>();
    private String promotedExperiment;

    @BeforeAll
    void start() {
        llm = FakeOpenAiServer.start(FakeLlmConfig.defaults());
        llm.failModel(FAILING_MODEL, 0.3);
        Map<String, Object> answerWorker = new HashMap<>();
        answerWorker.put("qaflow.answer.llm.base-url", llm.baseUrl());
        answerWorker.put("qaflow.answer.llm.api-key", "test-key");
        answerWorker.put("qaflow.answer.llm.model", FakeLlmConfig.DEFAULT_MODEL);
        answerWorker.put("qaflow.answer.llm.call-timeout", "2s");
        // a failed call degrades at once, and the circuit never opens (it would degrade control's calls too)
        answerWorker.put("qaflow.answer.resilience.retry.max-attempts", 1);
        answerWorker.put("qaflow.answer.resilience.circuit-breaker.consecutive-failures", 100_000);
        answerWorker.put("qaflow.answer.resilience.circuit-breaker.failure-rate-threshold", 100);
        List<Squad.Paragraph> corpus = Squad.superBowl50().paragraphs().subList(0, 6);
        corpus.forEach(p -> paragraphs.add(p.title()));
        stack = GatewayClient.startWithCorpus(LocalStackSettings.forTests(dataDir)
                .withAnswerWorkerProperties(answerWorker)
                .withServiceProperties(Map.of(
                        // every request must reach the LLM, even a repeated question
                        "qaflow.cache.enabled", false,
                        "qaflow.aggregator.windows.verdict-interval", "2s",
                        "qaflow.experiment-controller.bandit.reallocation-interval", "2s")),
                corpus);
        gateway = new GatewayClient(stack.gatewayUrl());
        controller = new GatewayClient(stack.experimentControllerUrl());
        clients = Executors.newFixedThreadPool(BATCH);
    }

    @AfterAll
    void stop() {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
        if (llm != null) {
            llm.close();
        }
    }

    @Test
    @Order(1)
    void aTreatmentFailingThirtyPercentOfLlmCallsIsRolledBackAndTrafficReturnsToControl() {
        String id = createAndStart(Map.of(
                "name", "Flaky model",
                "control", arm("control", "1.0.0", FakeLlmConfig.DEFAULT_MODEL),
                "treatments", List.of(arm("flaky", "1.0.0", FAILING_MODEL)),
                "allocation", "50/50",
                "targetSampleSize", 100_000,
                "primaryMetric", "SUCCESS_RATE",
                "guardrails", List.of(Map.of("metric", "DEGRADED_RATE", "maxWorsening", 0.05, "relative", false))));

        long started = System.nanoTime();
        JsonNode decided = driveUntilDecided(id, answer -> { });
        System.out.printf("ExperimentsIT rollback: decided after %.1f s, %d LLM calls (%d failed)%n",
                (System.nanoTime() - started) / 1e9, llm.stats().received(), llm.stats().failed());

        assertThat(decided.path("status").asString()).isEqualTo("ROLLED_BACK");
        JsonNode last = lastTransition(decided);
        System.out.println("ExperimentsIT rollback transition: " + last);
        assertThat(last.path("to").asString()).isEqualTo("ROLLED_BACK");
        assertThat(last.path("actor").asString()).isEqualTo("rule:guardrail");
        assertThat(last.path("reason").asString()).contains("flaky");
        assertThat(last.path("figures").size()).isPositive();
        assertThat(last.path("figures").path("flaky.degraded_rate.treatment").asDouble()).isGreaterThan(0.05);

        // the gateway reads the rollback from qa.experiments.v1 moments later; from then on nobody is in the experiment
        await().atMost(Duration.ofSeconds(20)).until(() -> !ask().path("variant").path("experimentId").asString()
                .equals(id));
        for (JsonNode answer : askBatch()) {
            assertThat(answer.path("variant").path("experimentId").asString()).isEqualTo(Variant.DEFAULT_EXPERIMENT);
            assertThat(answer.path("model").asString()).isEqualTo(FakeLlmConfig.DEFAULT_MODEL);
            assertThat(answer.path("degraded").asBoolean(true)).isFalse();
        }
    }

    @Test
    @Order(2)
    void aTreatmentWithBetterFeedbackIsCompletedAndPromotedAndBecomesTheDefaultPromptAcrossAControllerRestart() {
        GatewayClient.Response registered = controller.post("/v1/prompts", Map.of(
                "name", Variant.DEFAULT_PROMPT, "version", "1.1.0",
                "system", "Answer from the context in one friendly sentence.",
                "user", "Context:\n{{context}}\n\nQuestion: {{question}}",
                "author", "experiments-it", "description", "friendlier answers"));
        assertThat(registered.status()).as("register: %s", registered.body()).isEqualTo(201);
        String id = createAndStart(Map.of(
                "name", "Friendly prompt",
                "control", arm("control", "1.0.0", FakeLlmConfig.DEFAULT_MODEL),
                "treatments", List.of(arm("friendly", "1.1.0", FakeLlmConfig.DEFAULT_MODEL)),
                "allocation", "50/50",
                "targetSampleSize", 100,
                "primaryMetric", "POSITIVE_FEEDBACK_RATE",
                "successCriteria", Map.of("minImprovement", 0.1, "maxCostIncreasePct", 1000,
                        "maxP95LatencyIncreasePct", 1000),
                "autoPromote", true));

        Map<String, AtomicInteger> rated = Map.of("control", new AtomicInteger(), "friendly", new AtomicInteger());
        java.util.function.Consumer<JsonNode> rate = answer -> rate(answer, id, "friendly", rated);
        long started = System.nanoTime();
        askBatch().forEach(rate);

        // the controller restarted mid-experiment rebuilds the same experiment from qa.experiments.v1 and goes on
        JsonNode before = controller.get("/v1/experiments/" + id).body();
        stack.restartExperimentController();
        controller = new GatewayClient(stack.experimentControllerUrl());
        JsonNode after = controller.get("/v1/experiments/" + id).body();
        System.out.printf("ExperimentsIT controller restarted after %.1f s: %s, %d transitions%n",
                (System.nanoTime() - started) / 1e9, after.path("status").asString(), audit(after).size());
        assertThat(after).isEqualTo(before);
        assertThat(after.path("status").asString()).isEqualTo("RUNNING");

        JsonNode decided = driveUntilDecided(id, rate);
        System.out.printf("ExperimentsIT promotion: decided after %.1f s, %s answers rated%n",
                (System.nanoTime() - started) / 1e9, rated);

        assertThat(decided.path("status").asString()).isEqualTo("PROMOTED");
        List<JsonNode> audit = audit(decided);
        JsonNode completed = audit.get(audit.size() - 2);
        System.out.println("ExperimentsIT completion transition: " + completed);
        assertThat(completed.path("to").asString()).isEqualTo("COMPLETED");
        assertThat(completed.path("actor").asString()).isEqualTo("rule:success");
        assertThat(completed.path("figures").size()).isPositive();
        assertThat(completed.path("figures").path("friendly.positive_feedback_rate.effect").asDouble()).isPositive();
        JsonNode promoted = lastTransition(decided);
        assertThat(promoted.path("to").asString()).isEqualTo("PROMOTED");
        assertThat(promoted.path("actor").asString()).isEqualTo("rule:success");
        assertThat(decided.path("lifecycle").path("winner").asString()).isEqualTo("friendly");

        // outside any experiment now: the gateway reads the new default of qa-answer from qa.prompts.v1
        JsonNode next = await().atMost(Duration.ofSeconds(20)).until(this::ask,
                a -> a.path("promptVersion").asString().equals("1.1.0"));
        assertThat(next.path("variant").path("experimentId").asString()).isEqualTo(Variant.DEFAULT_EXPERIMENT);
        promotedExperiment = id;
    }

    /**
     * The promoted experiment's report, with the real aggregator's statistics, loaded in headless Chromium: every
     * chart drawn with data marks of both arms, and a screenshot kept in target/report-screenshots.
     */
    @Test
    @Order(3)
    void thePromotedExperimentsReportRendersInABrowserWithTheAggregatorsFigures() throws Exception {
        assertThat(promotedExperiment).as("the promotion test ran first").isNotNull();
        JsonNode report = controller.get("/v1/experiments/" + promotedExperiment + "/report").body();
        assertThat(report.path("stats").isObject()).as("statistics in %s", report).isTrue();
        assertThat(report.path("variants").findValuesAsString("variant")).containsExactly("control", "friendly");

        Path screenshot = Path.of("target", "report-screenshots", "experiments-it-" + promotedExperiment + ".png");
        JsonNode charts;
        try (HeadlessChromium chromium = HeadlessChromium.launch();
             HeadlessChromium.Page page = chromium.open(stack.experimentControllerUrl()
                     .resolve("/v1/experiments/" + promotedExperiment + "/report"))) {
            charts = page.evaluate("""
                    Object.fromEntries(['chart-latency', 'chart-rates', 'chart-cost', 'chart-split'].map(id => {
                      const chart = document.getElementById(id);
                      const marks = [...chart.querySelectorAll('.point, .bar')];
                      return [id, {height: chart.getBoundingClientRect().height,
                        drawn: marks.filter(m => m.getBoundingClientRect().width > 0).length,
                        variants: [...new Set(marks.map(m => m.dataset.variant))].sort(),
                        noData: chart.querySelectorAll('.no-data').length}];
                    }))""");
            page.screenshot(screenshot);
            assertThat(page.errors()).isEmpty();
        }
        System.out.println("ExperimentsIT report charts: " + charts + "; screenshot " + screenshot.toAbsolutePath());
        for (String chart : List.of("chart-latency", "chart-rates", "chart-cost", "chart-split")) {
            JsonNode c = charts.path(chart);
            assertThat(c.path("height").asDouble()).as(chart).isPositive();
            assertThat(c.path("noData").asInt()).as(chart).isZero();
            assertThat(c.path("drawn").asInt()).as(chart).isPositive();
            assertThat(c.path("variants").valueStream().map(JsonNode::asString)).as(chart)
                    .containsExactly("control", "friendly");
        }
        assertThat(javax.imageio.ImageIO.read(screenshot.toFile())).isNotNull();
    }

    /**
     * A bandit experiment: the arm whose answers are liked more gets more and more of the new users, by the weights
     * the controller moves after each verdict, while the other keeps its floor.
     */
    @Test
    @Order(4)
    void aBanditMovesNewUsersTowardsTheArmWithBetterFeedback() {
        String id = createAndStart(Map.of(
                "name", "Bandit prompts",
                "control", arm("control", "1.0.0", FakeLlmConfig.DEFAULT_MODEL),
                "treatments", List.of(arm("liked", "1.1.0", FakeLlmConfig.DEFAULT_MODEL)),
                "allocation", "50/50",
                "targetSampleSize", 1_000_000,
                "primaryMetric", "POSITIVE_FEEDBACK_RATE",
                "allocationMode", "bandit",
                "banditFloor", 0.1));
        Map<String, AtomicInteger> rated = Map.of("control", new AtomicInteger(), "liked", new AtomicInteger());
        long started = System.nanoTime();
        long until = started + DECISION_BOUND.toNanos();
        double likedWeight = 0.5;
        while (likedWeight < 0.85 && System.nanoTime() < until) {
            askBatch().forEach(answer -> rate(answer, id, "liked", rated));
            JsonNode experiment = controller.get("/v1/experiments/" + id).body();
            likedWeight = experiment.path("variants").get(1).path("weight").asDouble()
                    / (experiment.path("variants").get(0).path("weight").asDouble()
                    + experiment.path("variants").get(1).path("weight").asDouble());
        }
        JsonNode experiment = controller.get("/v1/experiments/" + id).body();
        List<JsonNode> reallocations = audit(experiment).stream()
                .filter(t -> t.path("actor").asString().equals("rule:bandit")).toList();
        System.out.printf("ExperimentsIT bandit: liked arm's share %.3f after %.1f s, %d reallocations, %s rated; "
                + "last: %s%n", likedWeight, (System.nanoTime() - started) / 1e9, reallocations.size(), rated,
                reallocations.isEmpty() ? "none" : reallocations.getLast().path("reason").asString());
        assertThat(likedWeight).as("the liked arm's share in %s", experiment).isGreaterThanOrEqualTo(0.85);
        assertThat(experiment.path("status").asString()).isEqualTo("RUNNING");
        assertThat(reallocations.getLast().path("figures").path("liked.p_best").asDouble()).isGreaterThan(0.9);

        // the gateway follows: most new users now land in the liked arm, and control keeps about its 10% floor
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<JsonNode> batch = askBatch();
            long liked = batch.stream().filter(a -> a.path("variant").path("experimentId").asString().equals(id)
                    && a.path("variant").path("name").asString().equals("liked")).count();
            return liked >= batch.size() * 0.7;
        });
        assertThat(controller.post("/v1/experiments/" + id + "/rollback", Map.of("reason", "test over")).status())
                .isEqualTo(200);
    }

    /**
     * Rates an answer of experiment {@code id}'s arms: 80% of the {@code liked} arm's answers up, 40% of the others'
     * (every fifth and three in five down), counting per arm in {@code rated}; answers outside it are left alone.
     */
    private void rate(JsonNode answer, String id, String liked, Map<String, AtomicInteger> rated) {
        String arm = answer.path("variant").path("name").asString();
        AtomicInteger count = rated.get(arm);
        if (count == null || !answer.path("variant").path("experimentId").asString().equals(id)) {
            return;
        }
        int k = count.getAndIncrement();
        boolean up = arm.equals(liked) ? k % 5 != 0 : k % 5 < 2;
        GatewayClient.Response feedback = gateway.post("/v1/requests/" + answer.path("requestId").asString()
                + "/feedback", Map.of("rating", up ? "up" : "down"));
        assertThat(feedback.status()).isEqualTo(202);
    }

    /**
     * Sends batches of questions from new users (and hands each answer to {@code onAnswer}) until the experiment
     * leaves RUNNING for a final status or the bound passes.
     */
    private JsonNode driveUntilDecided(String id, java.util.function.Consumer<JsonNode> onAnswer) {
        long until = System.nanoTime() + DECISION_BOUND.toNanos();
        while (System.nanoTime() < until) {
            for (JsonNode answer : askBatch()) {
                onAnswer.accept(answer);
            }
            JsonNode experiment = controller.get("/v1/experiments/" + id).body();
            String status = experiment.path("status").asString();
            if (status.equals("ROLLED_BACK") || status.equals("PROMOTED")) {
                return experiment;
            }
        }
        JsonNode verdict = gateway.get(stack.aggregatorUrl().resolve("/v1/experiments/" + id + "/verdict").toString())
                .body();
        throw new AssertionError("experiment " + id + " undecided after " + DECISION_BOUND + "; "
                + controller.get("/v1/experiments/" + id).body() + "; latest verdict " + verdict);
    }

    /** One batch of questions, asked at once, each by a user never seen before; the answered ones. */
    private List<JsonNode> askBatch() {
        List<Future<JsonNode>> pending = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            pending.add(clients.submit(this::ask));
        }
        List<JsonNode> answers = new ArrayList<>();
        for (Future<JsonNode> f : pending) {
            try {
                JsonNode answer = f.get(60, TimeUnit.SECONDS);
                if (answer.path("status").asString().equals("ANSWERED")) {
                    answers.add(answer);
                }
            } catch (Exception e) {
                throw new AssertionError("a question was not answered", e);
            }
        }
        return answers;
    }

    private JsonNode ask() {
        int user = users.incrementAndGet();
        String title = paragraphs.get(user % paragraphs.size()).replace('_', ' ');
        GatewayClient.Response response = gateway.ask("What happened at " + title + "? (#" + user + ")",
                Map.of("userId", "user-" + user, "timeoutMs", 30_000));
        assertThat(response.status()).as("ask: %s", response.body()).isEqualTo(200);
        return response.body();
    }

    private String createAndStart(Map<String, Object> body) {
        GatewayClient.Response created = controller.post("/v1/experiments", body);
        assertThat(created.status()).as("create: %s", created.body()).isEqualTo(201);
        String id = created.body().path("experimentId").asString();
        GatewayClient.Response started = controller.post("/v1/experiments/" + id + "/start", Map.of());
        assertThat(started.status()).as("start: %s", started.body()).isEqualTo(200);
        assertThat(started.body().path("status").asString()).isEqualTo("RUNNING");
        // the gateway assigns only once it has read the start from qa.experiments.v1
        await().atMost(Duration.ofSeconds(20)).until(() -> ask().path("variant").path("experimentId").asString()
                .equals(id));
        return id;
    }

    private static Map<String, Object> arm(String name, String promptVersion, String model) {
        return Map.of("name", name, "promptVersion", promptVersion, "model", model, "topK", 3);
    }

    private static List<JsonNode> audit(JsonNode experiment) {
        List<JsonNode> transitions = new ArrayList<>();
        experiment.path("lifecycle").path("audit").forEach(transitions::add);
        assertThat(transitions).as("audit trail of %s", experiment).isNotEmpty();
        return transitions;
    }

    private static JsonNode lastTransition(JsonNode experiment) {
        List<JsonNode> transitions = audit(experiment);
        return transitions.get(transitions.size() - 1);
    }
}
