package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.Variant;
import io.qaflow.model.VariantAssignment;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Assignment on a real broker: an experiment published to qa.experiments.v1 before the gateway started is applied to
 * the first request once the gateway is ready; its users keep their arm; rolling it back returns everyone to the
 * defaults; a new default prompt version on qa.prompts.v1 applies to the next request. Nothing is restarted.
 */
class ExperimentAssignmentIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String EXPERIMENT = "concise-prompt";
    private static final Instant STARTED = Instant.parse("2026-11-23T12:00:00Z");
    private static final ExperimentState RUNNING = ExperimentState.of(EXPERIMENT, List.of(
                    new Arm("control", "1.0.0", "gpt-4o-mini", 5, 50),
                    new Arm("concise", "1.1.0", "gpt-4o-mini", 3, 50)),
            "control", Status.RUNNING, STARTED, STARTED);

    private static EmbeddedKafkaBroker broker;
    private static FakeWorkers workers;
    private static RunningGateway gateway;
    private static Http http;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        // the topics exist before the gateway does, as they do once any service of the stack has run
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(3).provision(admin);
        }
        workers = new FakeWorkers(broker.bootstrapServers());
        workers.sendRaw(Topics.EXPERIMENTS.name(), "broken", "{not json".getBytes(StandardCharsets.UTF_8));
        workers.send(Topics.EXPERIMENTS, EXPERIMENT, RUNNING);
        gateway = RunningGateway.startReady(broker.bootstrapServers(), Map.of());
        http = new Http(gateway);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(workers, gateway, broker);
    }

    @Test
    void requestsFollowTheRunningExperimentThenTheDefaultsAndThePublishedDefaultPrompt() {
        // readiness waits for the catalog: once it is UP the first request is already in the experiment
        await().atMost(WAIT).until(() -> http.get("/actuator/health/readiness").status() == 200);
        assertThat(http.get("/actuator/health/readiness").json().path("components").has("experiments")).isTrue();
        JsonNode experiments = http.get("/actuator/health").json().path("components").path("experiments");
        assertThat(experiments.path("status").asString()).isEqualTo("UP");
        assertThat(experiments.path("details").path("activeExperiment").asString()).isEqualTo(EXPERIMENT);
        assertThat(experiments.path("details").path("recordsSkipped").asLong()).isEqualTo(1);

        // 40 users ask twice each (asking for topK 9, which the experiment overrides), 20 anonymous requests
        List<String> users = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "user-" + i).toList();
        List<String> questions = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (String user : users) {
                questions.add(submit(user, 9));
            }
        }
        for (int i = 0; i < 20; i++) {
            questions.add(submit(null, null));
        }
        Map<String, QuestionAsked> asked = awaitAsked(questions);

        Map<String, Set<String>> armsOfUser = new HashMap<>();
        Map<String, Integer> requestsPerArm = new LinkedHashMap<>();
        for (QuestionAsked q : asked.values()) {
            String unit = q.userId() != null ? q.userId() : q.requestId();
            Arm arm = VariantAssignment.assign(RUNNING, unit);
            assertThat(q.variant()).isEqualTo(new Variant(EXPERIMENT, arm.name(), Variant.DEFAULT_PROMPT,
                    arm.promptVersion(), arm.model(), arm.topK()));
            if (q.userId() != null) {
                armsOfUser.computeIfAbsent(q.userId(), u -> new java.util.HashSet<>()).add(q.variant().variant());
            }
            requestsPerArm.merge(q.variant().variant(), 1, Integer::sum);
        }
        System.out.println("requests per arm while " + EXPERIMENT + " ran: " + requestsPerArm);
        assertThat(armsOfUser).hasSize(40).allSatisfy((user, arms) -> assertThat(arms).hasSize(1));
        assertThat(requestsPerArm.get("control")).isGreaterThanOrEqualTo(20);
        assertThat(requestsPerArm.get("concise")).isGreaterThanOrEqualTo(20);
        assertThat(assignments("control") + assignments("concise")).isEqualTo(100);

        // rolled back: everyone returns to the defaults, with their own topK again
        workers.send(Topics.EXPERIMENTS, EXPERIMENT, new ExperimentState(RUNNING.schemaVersion(), "rolled-back",
                Instant.now(), EXPERIMENT, RUNNING.variants(), "control", Status.ROLLED_BACK, STARTED,
                RUNNING.primaryMetric(), RUNNING.minimumDetectableEffect(), RUNNING.guardrails()));
        await().atMost(WAIT).until(() -> "none".equals(experimentsHealth().path("activeExperiment").asString()));
        List<String> afterRollback = new ArrayList<>();
        for (String user : users.subList(0, 10)) {
            afterRollback.add(submit(user, 4));
        }
        assertThat(awaitAsked(afterRollback).values())
                .allSatisfy(q -> assertThat(q.variant()).isEqualTo(Variant.defaults(4)));

        // a new default version of the answer prompt: the next default request runs with it
        PromptVersion v110 = PromptVersion.of(Variant.DEFAULT_PROMPT, "1.1.0", "Answer briefly from the context.",
                "{{context}}\n\nQuestion: {{question}}", "it", "concise", 42, Instant.now());
        workers.send(Topics.PROMPTS, PromptVersion.versionKey(v110.name(), v110.version()), v110);
        workers.send(Topics.PROMPTS, PromptVersion.defaultKey(v110.name()), v110.asDefault(Instant.now()));
        await().atMost(WAIT).until(() -> "1.1.0".equals(
                experimentsHealth().path("defaultPromptVersions").path(Variant.DEFAULT_PROMPT).asString()));
        QuestionAsked next = awaitAsked(List.of(submit("user-1", null))).values().iterator().next();
        assertThat(next.variant()).isEqualTo(new Variant(Variant.DEFAULT_EXPERIMENT, Variant.CONTROL,
                Variant.DEFAULT_PROMPT, "1.1.0", Variant.AUTO_MODEL, Variant.DEFAULT_TOP_K));
    }

    /** POST /v1/requests with a unique question; returns the question. */
    private static String submit(String userId, Integer topK) {
        String question = "Who won Super Bowl 50? " + UUID.randomUUID();
        Map<String, Object> body = new HashMap<>(Map.of("question", question));
        if (userId != null) {
            body.put("userId", userId);
        }
        if (topK != null) {
            body.put("topK", topK);
        }
        Http.Reply reply = http.postJson("/v1/requests", Http.json(body));
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return question;
    }

    /** The QuestionAsked of each question, by question. */
    private static Map<String, QuestionAsked> awaitAsked(List<String> questions) {
        Set<String> wanted = Set.copyOf(questions);
        Map<String, QuestionAsked> found = new HashMap<>();
        await().atMost(WAIT).until(() -> {
            workers.asked().stream().filter(q -> wanted.contains(q.question()))
                    .forEach(q -> found.put(q.question(), q));
            return found.size() == wanted.size();
        });
        return found.values().stream().collect(Collectors.toMap(QuestionAsked::question, Function.identity()));
    }

    private static JsonNode experimentsHealth() {
        return http.get("/actuator/health").json().path("components").path("experiments").path("details");
    }

    private static double assignments(String variant) {
        var counter = gateway.meters().find("qa.experiment.assignments").tag("experiment", EXPERIMENT)
                .tag("variant", variant).counter();
        return counter == null ? 0 : counter.count();
    }
}
