package io.qaflow.controller.it;

import static io.qaflow.controller.Samples.metric;
import static io.qaflow.controller.Samples.treatment;
import static io.qaflow.model.ExperimentMetric.DEGRADED_RATE;
import static io.qaflow.model.ExperimentMetric.SUCCESS_RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.qaflow.controller.Samples;
import io.qaflow.controller.report.AggregatorStats;
import io.qaflow.controller.report.FakeAggregator;
import io.qaflow.controller.report.ReportSamples;
import io.qaflow.controller.prompt.TokenEstimate;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import io.qaflow.model.prompt.QaPrompt;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The controller on a real broker over real HTTP: lifecycle through the API, automatic rollback, completion and
 * promotion from verdicts, problem documents, a restart that rebuilds the experiments from the topic, and the
 * report with the statistics of a stand-in for the metrics aggregator's HTTP API ({@link FakeAggregator}, a real
 * server of the aggregator's response shape).
 */
class ExperimentControllerIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, byte[]> producer;
    private static RunningController controller;
    private static FakeAggregator aggregator;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        aggregator = FakeAggregator.start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        controller = RunningController.startReady(broker.bootstrapServers(), aggregator.url());
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
    }

    /** Ends what a test left RUNNING: only one experiment may run at a time. */
    @AfterEach
    void endRunningExperiments() {
        Reply running = get("/v1/experiments?status=RUNNING");
        assertThat(running.status()).as("%s", running.json()).isEqualTo(200);
        for (String id : running.json().findValuesAsString("experimentId")) {
            // 409: a verdict ended it meanwhile
            assertThat(post("/v1/experiments/" + id + "/rollback", "{\"reason\": \"test over\"}").status())
                    .isIn(200, 409);
        }
        await().atMost(WAIT).until(() -> get("/v1/experiments?status=RUNNING").json().isEmpty());
    }

    record Reply(int status, String contentType, JsonNode json) {}

    private static Reply send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(controller.uri(path)).timeout(WAIT)
                .header("Content-Type", "application/json").header("X-Actor", "ana")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body().isEmpty() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Reply post(String path, String body) {
        return send("POST", path, body);
    }

    private static Reply get(String path) {
        return send("GET", path, null);
    }

    private static String create(String name, String treatmentVersion, boolean autoPromote) {
        Reply created = post("/v1/experiments", """
                {"name": "%s",
                 "control": {"name": "control", "promptVersion": "1.0.0", "model": "gpt-4o-mini", "topK": 5},
                 "treatments": [{"name": "concise", "promptVersion": "%s", "model": "gpt-4o-mini", "topK": 5}],
                 "allocation": "80/20", "targetSampleSize": 100, "minimumDetectableEffect": 0.05,
                 "primaryMetric": "SUCCESS_RATE",
                 "successCriteria": {"minImprovement": 0.02, "maxCostIncreasePct": 10, "maxP95LatencyIncreasePct": 20},
                 "guardrails": [{"metric": "DEGRADED_RATE", "maxWorsening": 0.05, "relative": false}],
                 "autoPromote": %s}
                """.formatted(name, treatmentVersion, autoPromote));
        assertThat(created.status()).as("%s", created.json()).isEqualTo(201);
        assertThat(created.json().get("status").asString()).isEqualTo("DRAFT");
        return created.json().get("experimentId").asString();
    }

    private static Reply register(String name, String version, String system, String user) {
        return post("/v1/prompts", JSON.writeValueAsString(Map.of("name", name, "version", version, "system", system,
                "user", user, "author", "ana", "description", "test " + version)));
    }

    private static void registerQaAnswer(String version) {
        Reply reply = register("qa-answer", version, "Version " + version + ".",
                "Context:\n{{context}}\n\nQuestion: {{question}}");
        assertThat(reply.status()).as("%s", reply.json()).isIn(200, 201);
    }

    private static Reply put(String path, String body) {
        return send("PUT", path, body);
    }

    private static Instant start(String id) {
        Reply started = post("/v1/experiments/" + id + "/start", null);
        assertThat(started.status()).as("%s", started.json()).isEqualTo(200);
        assertThat(started.json().get("status").asString()).isEqualTo("RUNNING");
        return Instant.parse(started.json().get("startedAt").asString());
    }

    private static <V> void publish(Topic<String, V> topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        return readRaw(topic.name()).stream().map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(),
                r.key(), topic.valueSerde().deserialize(r.topic(), r.value()))).toList();
    }

    /** The records under {@code key} only: another test puts an unreadable record on the experiment topic. */
    private static <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic, String key) {
        return readRaw(topic.name()).stream().filter(r -> key.equals(r.key())).map(r -> new ConsumerRecord<>(
                r.topic(), r.partition(), r.offset(), r.key(), topic.valueSerde().deserialize(r.topic(), r.value())))
                .toList();
    }

    private static List<ConsumerRecord<String, byte[]>> readRaw(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID()), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static void publishRaw(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String status(String id) {
        return get("/v1/experiments/" + id).json().get("status").asString();
    }

    private static JsonNode audit(String id) {
        return get("/v1/experiments/" + id).json().get("lifecycle").get("audit");
    }

    @Test
    void theBuiltInPromptIsRegisteredAsTheFirstDefaultOfAFreshTopic() {
        Reply builtIn = get("/v1/prompts/qa-answer/1.0.0");
        assertThat(builtIn.status()).isEqualTo(200);
        assertThat(builtIn.json().get("user").asString()).isEqualTo(QaPrompt.V1_0_0.user());
        assertThat(builtIn.json().get("system").asString()).isEqualTo(QaPrompt.V1_0_0.system());
        assertThat(builtIn.json().get("author").asString()).isEqualTo("system:built-in");
        assertThat(builtIn.json().get("estimatedTokens").asInt()).isPositive();
        List<ConsumerRecord<String, PromptVersion>> records = readAll(Topics.PROMPTS);
        assertThat(records).filteredOn(r -> r.key().equals("qa-answer@1.0.0")).hasSize(1);
        assertThat(records).filteredOn(r -> r.key().equals("qa-answer")).first()
                .satisfies(r -> assertThat(r.value().version()).isEqualTo("1.0.0"));
        assertThat(get("/v1/prompts").json().findValuesAsString("name")).contains("qa-answer");
    }

    @Test
    void promptVersionsAreRegisteredValidatedAndMadeDefault() {
        String user = "Passages:\n{{context}}\n\nAnswer briefly: {{question}}";
        Reply registered = register("qa-answer", "1.1.0", "Be brief.", user);
        assertThat(registered.status()).as("%s", registered.json()).isEqualTo(201);
        assertThat(registered.json().get("created").asBoolean()).isTrue();
        assertThat(registered.json().get("madeDefault").asBoolean()).isFalse(); // qa-answer has a default already
        assertThat(registered.json().get("estimatedTokens").asInt())
                .isEqualTo(TokenEstimate.of("Be brief.", user));
        assertThat(readAll(Topics.PROMPTS)).filteredOn(r -> r.key().equals("qa-answer@1.1.0")).singleElement()
                .satisfies(r -> {
                    assertThat(r.value().user()).isEqualTo(user);
                    assertThat(r.value().author()).isEqualTo("ana");
                });

        Reply again = register("qa-answer", "1.1.0", "Be brief.", user);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("created").asBoolean()).isFalse();
        Reply changed = register("qa-answer", "1.1.0", "Be very brief.", user);
        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.contentType()).startsWith("application/problem+json");
        assertThat(changed.json().get("errors").get(0).get("field").asString()).isEqualTo("version");

        Reply bad = register("qa-answer", "1.2.0", "", "Hello {{user_name}}! " + user);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().get("errors")).singleElement().satisfies(e -> {
            assertThat(e.get("field").asString()).isEqualTo("user");
            assertThat(e.get("message").asString()).contains("{{user_name}}");
        });
        assertThat(get("/v1/prompts/qa-answer/1.2.0").status()).isEqualTo(404);
        assertThat(readAll(Topics.PROMPTS)).noneMatch(r -> r.key().equals("qa-answer@1.2.0"));

        String previous = get("/v1/prompts/qa-answer").json().get("defaultVersion").asString();
        Reply madeDefault = put("/v1/prompts/qa-answer/default", "{\"version\": \"1.1.0\"}");
        assertThat(madeDefault.status()).as("%s", madeDefault.json()).isEqualTo(200);
        assertThat(madeDefault.json().get("previousVersion").asString()).isEqualTo(previous);
        assertThat(readAll(Topics.PROMPTS)).filteredOn(r -> r.key().equals("qa-answer")).last()
                .satisfies(r -> {
                    assertThat(r.value().version()).isEqualTo("1.1.0");
                    assertThat(r.value().user()).isEqualTo(user);
                });
        JsonNode detail = get("/v1/prompts/qa-answer").json();
        assertThat(detail.get("defaultVersion").asString()).isEqualTo("1.1.0");
        assertThat(detail.get("versions").findValuesAsString("version")).contains("1.0.0", "1.1.0")
                .doesNotContain("1.2.0");
        assertThat(detail.get("versions")).filteredOn(v -> v.get("isDefault").asBoolean())
                .singleElement().satisfies(v -> assertThat(v.get("version").asString()).isEqualTo("1.1.0"));
        assertThat(get("/v1/prompts/qa-answer/1.1.0").json().get("isDefault").asBoolean()).isTrue();
        assertThat(get("/v1/prompts").json()).filteredOn(p -> p.get("name").asString().equals("qa-answer"))
                .singleElement().satisfies(p -> assertThat(p.get("defaultVersion").asString()).isEqualTo("1.1.0"));

        // rolling back = making the previous version the default again
        assertThat(put("/v1/prompts/qa-answer/default", "{\"version\": \"" + previous + "\"}").status())
                .isEqualTo(200);
        assertThat(readAll(Topics.PROMPTS)).filteredOn(r -> r.key().equals("qa-answer")).last()
                .satisfies(r -> assertThat(r.value().version()).isEqualTo(previous));
        assertThat(put("/v1/prompts/qa-answer/default", "{\"version\": \"7.7.7\"}").status()).isEqualTo(404);
        Reply unknownName = put("/v1/prompts/nobody/default", "{\"version\": \"1.0.0\"}");
        assertThat(unknownName.status()).isEqualTo(404);
        assertThat(unknownName.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(get("/v1/prompts/nobody").status()).isEqualTo(404);

        // the first version of a name becomes its default
        Reply first = register("greeting", "0.1.0", "", "{{question}} (see {{context}})");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("madeDefault").asBoolean()).isTrue();
        assertThat(readAll(Topics.PROMPTS)).filteredOn(r -> r.key().equals("greeting")).singleElement()
                .satisfies(r -> assertThat(r.value().version()).isEqualTo("0.1.0"));
        assertThat(controller.counter("qa.prompts.registered")).isGreaterThanOrEqualTo(2);
        assertThat(controller.counter("qa.prompts.default_changes", "cause", "request")).isGreaterThanOrEqualTo(2);
        assertThat(controller.counter("qa.prompts.default_changes", "cause", "first_version"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSecondExperimentCannotStartWhileOneIsRunning() {
        registerQaAnswer("2.0.0");
        String first = create("First", "2.0.0", false);
        String second = create("Second", "2.0.0", false);
        start(first);

        Reply refused = post("/v1/experiments/" + second + "/start", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).endsWith("another-experiment-running");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).contains(first);
        assertThat(status(second)).isEqualTo("DRAFT");

        assertThat(post("/v1/experiments/" + first + "/pause", null).status()).isEqualTo(200);
        start(second);
        assertThat(post("/v1/experiments/" + first + "/resume", null).status()).isEqualTo(409);
    }

    @Test
    void aBanditExperimentsWeightsMoveTowardsTheBetterArmOnAVerdict() {
        registerQaAnswer("2.0.0");
        Reply created = post("/v1/experiments", """
                {"name": "Bandit",
                 "control": {"name": "control", "promptVersion": "1.0.0", "model": "gpt-4o-mini", "topK": 5},
                 "treatments": [{"name": "concise", "promptVersion": "2.0.0", "model": "gpt-4o-mini", "topK": 5,
                                 "temperature": 0.3}],
                 "allocation": "50/50", "primaryMetric": "SUCCESS_RATE", "targetSampleSize": 1000000,
                 "allocationMode": "bandit", "banditFloor": 0.1}
                """);
        assertThat(created.status()).as("%s", created.json()).isEqualTo(201);
        String id = created.json().get("experimentId").asString();
        assertThat(created.json().get("lifecycle").get("allocationMode").asString()).isEqualTo("BANDIT");
        assertThat(created.json().get("variants").get(1).get("temperature").asDouble()).isEqualTo(0.3);
        Instant startedAt = start(id);

        // a verdict too early to decide anything, but clear enough for the bandit: 90% against 80% over 5,000 each
        publish(Topics.EXPERIMENT_VERDICTS, id, Samples.verdict(id, startedAt, 5_000,
                treatment("concise", Decision.INSUFFICIENT_DATA, metric(SUCCESS_RATE, 0.8, 0.9, 0.5, false, null))));

        await().atMost(WAIT).until(() -> audit(id).size() == 3);
        JsonNode experiment = get("/v1/experiments/" + id).json();
        assertThat(experiment.get("status").asString()).isEqualTo("RUNNING");
        assertThat(experiment.get("variants").get(0).get("weight").asDouble()).isCloseTo(0.1, within(1e-6));
        assertThat(experiment.get("variants").get(1).get("weight").asDouble()).isCloseTo(0.9, within(1e-6));
        JsonNode reallocation = audit(id).get(2);
        assertThat(reallocation.get("from").asString()).isEqualTo("RUNNING");
        assertThat(reallocation.get("to").asString()).isEqualTo("RUNNING");
        assertThat(reallocation.get("actor").asString()).isEqualTo("rule:bandit");
        assertThat(reallocation.get("figures").get("concise.successes").asDouble()).isEqualTo(4_500);
        assertThat(reallocation.get("figures").get("concise.p_best").asDouble()).isGreaterThan(0.99);
        assertThat(controller.counter("qa.experiment.reallocations")).isGreaterThanOrEqualTo(1);
        // on the topic too, for the gateway
        assertThat(readAll(Topics.EXPERIMENTS, id)).last().satisfies(r ->
                assertThat(r.value().allocation("concise")).isCloseTo(0.9, within(1e-6)));
    }

    @Test
    void aGuardrailBreachRollsARunningExperimentBackWithTheFiguresOnRecord() {
        registerQaAnswer("2.0.0");
        String id = create("Guardrail check", "2.0.0", false);
        Instant startedAt = start(id);

        assertThat(readAll(Topics.EXPERIMENTS, id)).last()
                .satisfies(r -> {
                    assertThat(r.value().status()).isEqualTo(ExperimentState.Status.RUNNING);
                    assertThat(r.value().allocation("control")).isEqualTo(0.8);
                    assertThat(r.value().lifecycle().audit()).extracting(ExperimentState.Transition::actor)
                            .containsExactly("user:ana", "user:ana");
                });

        publishRaw(Topics.EXPERIMENT_VERDICTS.name(), id, "{not a verdict");
        publish(Topics.EXPERIMENT_VERDICTS, id, Samples.verdict(id, startedAt, 400,
                treatment("concise", Decision.GUARDRAIL_BREACH, metric(SUCCESS_RATE, 0.9, 0.63, 0.001, false, null),
                        metric(DEGRADED_RATE, 0.0, 0.30, 0.0002, true, 0.05))));

        await().atMost(WAIT).until(() -> status(id).equals("ROLLED_BACK"));
        JsonNode last = audit(id).get(2);
        assertThat(last.get("from").asString()).isEqualTo("RUNNING");
        assertThat(last.get("actor").asString()).isEqualTo("rule:guardrail");
        assertThat(last.get("reason").asString()).contains("concise", "degraded_rate");
        assertThat(last.get("figures").get("concise.degraded_rate.treatment").asDouble()).isEqualTo(0.30);
        assertThat(last.get("figures").get("concise.degraded_rate.p").asDouble()).isEqualTo(0.0002);
        assertThat(controller.counter("qa.experiment.transitions", "to", "rolled_back", "actor_kind", "rule"))
                .isGreaterThanOrEqualTo(1);
        // the unreadable verdict before it went to the dead-letter topic and blocked nothing
        await().atMost(WAIT).until(() -> readRaw(Topics.EXPERIMENT_VERDICTS.deadLetterName()).stream()
                .anyMatch(r -> id.equals(r.key()) && new String(r.value(), StandardCharsets.UTF_8)
                        .equals("{not a verdict")));
    }

    @Test
    void aWinningVerdictCompletesAndAutoPromotesTheWinnersPromptVersion() {
        String user = "Context:\n{{context}}\n\nQuestion: {{question}}";
        assertThat(register("qa-answer", "2.1.0", "Be brief.", user).status()).isEqualTo(201);
        String id = create("Concise wins", "2.1.0", true);
        Instant startedAt = start(id);

        publish(Topics.EXPERIMENT_VERDICTS, id, Samples.verdict(id, startedAt, 500,
                treatment("concise", Decision.TREATMENT_BETTER, metric(SUCCESS_RATE, 0.80, 0.88, 0.001, false, null))));

        await().atMost(WAIT).until(() -> status(id).equals("PROMOTED"));
        JsonNode audit = audit(id);
        assertThat(audit.get(2).get("to").asString()).isEqualTo("COMPLETED");
        assertThat(audit.get(2).get("actor").asString()).isEqualTo("rule:success");
        assertThat(audit.get(2).get("figures").get("concise.success_rate.treatment").asDouble()).isEqualTo(0.88);
        assertThat(audit.get(3).get("to").asString()).isEqualTo("PROMOTED");
        assertThat(get("/v1/experiments/" + id).json().get("lifecycle").get("winner").asString())
                .isEqualTo("concise");
        assertThat(get("/v1/prompts/qa-answer").json().get("defaultVersion").asString()).isEqualTo("2.1.0");
        assertThat(controller.counter("qa.prompts.default_changes", "cause", "promotion")).isGreaterThanOrEqualTo(1);
        assertThat(readAll(Topics.PROMPTS)).filteredOn(r -> r.key().equals(PromptVersion.defaultKey("qa-answer")))
                .last().satisfies(r -> {
                    assertThat(r.value().version()).isEqualTo("2.1.0");
                    assertThat(r.value().user()).isEqualTo(user);
                });
    }

    @Test
    void anAutoPromotionOfAnUnpublishedVersionStopsAtCompletedUntilAPersonPromotesIt() {
        // the API refuses unregistered versions; an experiment written before the registry existed can still name one
        String id = "written-before-the-registry";
        ExperimentState sample = Samples.experiment(id, ExperimentState.Status.DRAFT, 100,
                new ExperimentState.SuccessCriteria(0.02, 0.10, 0.20), true, SUCCESS_RATE);
        publish(Topics.EXPERIMENTS, id, new ExperimentState(sample.schemaVersion(), sample.eventId(),
                sample.occurredAt(), id, List.of(new ExperimentState.Arm("control", "1.0.0", "gpt-4o-mini", 5, 1),
                new ExperimentState.Arm("concise", "3.0.0", "gpt-4o-mini", 5, 1)), "control", sample.status(),
                sample.startedAt(), sample.primaryMetric(), sample.minimumDetectableEffect(), sample.guardrails(),
                sample.lifecycle()));
        await().atMost(WAIT).until(() -> get("/v1/experiments/" + id).status() == 200);
        Instant startedAt = start(id);

        publish(Topics.EXPERIMENT_VERDICTS, id, Samples.verdict(id, startedAt, 500,
                treatment("concise", Decision.TREATMENT_BETTER, metric(SUCCESS_RATE, 0.80, 0.90, 0.001, false, null))));
        await().atMost(WAIT).until(() -> status(id).equals("COMPLETED"));
        Reply refused = post("/v1/experiments/" + id + "/promote", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("qa-answer@3.0.0");

        assertThat(register("qa-answer", "3.0.0", "", "{{context}} {{question}}").status()).isEqualTo(201);
        assertThat(post("/v1/experiments/" + id + "/promote", null).status()).isEqualTo(200);
        assertThat(status(id)).isEqualTo("PROMOTED");
        assertThat(audit(id).get(2).get("actor").asString()).isEqualTo("rule:success");
        assertThat(audit(id).get(3).get("actor").asString()).isEqualTo("user:ana");
    }

    @Test
    void invalidTransitionsUnknownIdsAndBadInputAreProblems() {
        Reply unregistered = post("/v1/experiments", """
                {"name": "Unregistered", "control": {"name": "control", "promptVersion": "1.0.0", "model": "m",
                 "topK": 5}, "treatments": [{"name": "t", "promptVersion": "9.9.9", "model": "m", "topK": 5}]}""");
        assertThat(unregistered.status()).isEqualTo(400);
        assertThat(unregistered.json().get("errors")).singleElement().satisfies(e -> {
            assertThat(e.get("field").asString()).isEqualTo("treatments[0].promptVersion");
            assertThat(e.get("message").asString()).contains("qa-answer@9.9.9");
        });
        // raw: another test puts an unreadable record on the experiment topic
        assertThat(readRaw(Topics.EXPERIMENTS.name())).noneMatch(r -> r.key().startsWith("unregistered-"));

        String id = create("Problems", "1.0.0", false);
        Reply pauseDraft = post("/v1/experiments/" + id + "/pause", null);
        assertThat(pauseDraft.status()).isEqualTo(409);
        assertThat(pauseDraft.contentType()).startsWith("application/problem+json");
        assertThat(pauseDraft.json().get("currentStatus").asString()).isEqualTo("DRAFT");
        assertThat(pauseDraft.json().get("detail").asString()).contains("DRAFT");

        start(id);
        assertThat(post("/v1/experiments/" + id + "/start", null).status()).isEqualTo(409);
        Reply complete = post("/v1/experiments/" + id + "/complete",
                "{\"winner\": \"concise\", \"conclusion\": \"shorter is better\"}");
        assertThat(complete.json().get("status").asString()).isEqualTo("COMPLETED");
        assertThat(status(id)).isEqualTo("COMPLETED");
        Reply rollback = post("/v1/experiments/" + id + "/rollback", "{\"reason\": \"not worth it\"}");
        assertThat(rollback.json().get("status").asString()).isEqualTo("ROLLED_BACK");
        assertThat(post("/v1/experiments/" + id + "/resume", null).json().get("currentStatus").asString())
                .isEqualTo("ROLLED_BACK");

        Reply unknown = get("/v1/experiments/nope-123456");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");

        Reply bad = post("/v1/experiments", """
                {"name": "bad", "control": {"name": "control", "promptVersion": "1.0", "model": "m", "topK": 0},
                 "treatments": []}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").findValuesAsString("field"))
                .contains("control.promptVersion", "control.topK", "treatments");
        Reply badWinner = post("/v1/experiments/" + create("Winner", "1.0.0", false) + "/complete",
                "{\"winner\": \"nobody\"}");
        assertThat(badWinner.status()).isEqualTo(400);
        assertThat(badWinner.json().get("errors").get(0).get("field").asString()).isEqualTo("winner");
        assertThat(get("/v1/experiments?status=bogus").status()).isEqualTo(400);
    }

    @Test
    void aRestartedControllerHasTheSameExperimentsAndKeepsDeciding() {
        registerQaAnswer("2.0.0");
        String tone = "You answer {{question}} from {{context}}.";
        assertThat(register("restart-check", "1.0.0", "", tone).status()).isEqualTo(201);
        assertThat(register("restart-check", "1.1.0", "Be brief.", tone).status()).isEqualTo(201);
        assertThat(put("/v1/prompts/restart-check/default", "{\"version\": \"1.1.0\"}").status()).isEqualTo(200);
        JsonNode promptsBefore = get("/v1/prompts").json();
        String running = create("Survives restart", "2.0.0", false);
        Instant startedAt = start(running);
        String draft = create("Still a draft", "2.0.0", false);
        publishRaw(Topics.EXPERIMENTS.name(), "junk", "{not an experiment");
        await().atMost(WAIT).until(() -> readRaw(Topics.EXPERIMENTS.deadLetterName()).stream()
                .anyMatch(r -> "junk".equals(r.key())));
        JsonNode before = get("/v1/experiments").json();

        controller.close();
        controller = RunningController.startReady(broker.bootstrapServers(), aggregator.url());

        assertThat(get("/v1/experiments").json()).isEqualTo(before);
        // the registry is rebuilt from qa.prompts.v1, and the built-in prompt is not registered a second time
        assertThat(get("/v1/prompts").json()).isEqualTo(promptsBefore);
        JsonNode restartCheck = get("/v1/prompts/restart-check").json();
        assertThat(restartCheck.get("defaultVersion").asString()).isEqualTo("1.1.0");
        assertThat(restartCheck.get("versions").findValuesAsString("version")).containsExactly("1.0.0", "1.1.0");
        assertThat(get("/v1/prompts/restart-check/1.1.0").json().get("system").asString()).isEqualTo("Be brief.");
        assertThat(readAll(Topics.PROMPTS)).filteredOn(r -> r.key().equals("qa-answer@1.0.0")).hasSize(1);
        assertThat(before.findValuesAsString("experimentId")).contains(running, draft).doesNotContain("junk");
        Reply readiness = get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().get("components").get("experimentState").get("status").asString())
                .isEqualTo("UP");
        assertThat(get("/v1/experiments?status=running").json().findValuesAsString("experimentId"))
                .contains(running).doesNotContain(draft);
        assertThat(status(draft)).isEqualTo("DRAFT");

        // a mismatch in two verdicts in a row pauses (one alone can be counts caught mid-flight)
        publish(Topics.EXPERIMENT_VERDICTS, running, Samples.verdict(running, startedAt, 300,
                treatment("concise", Decision.SRM_ALERT)));
        var srm = Samples.verdict(running, startedAt, 300, treatment("concise", Decision.SRM_ALERT));
        publish(Topics.EXPERIMENT_VERDICTS, running, srm);
        await().atMost(WAIT).until(() -> status(running).equals("PAUSED"));
        assertThat(audit(running).get(2).get("actor").asString()).isEqualTo("rule:srm");
        assertThat(audit(running).get(2).get("figures").get("srm.p").asDouble()).isEqualTo(0.5);
    }

    private static double verdictsConsumed() {
        return List.of("acted", "no_action", "skipped", "failed").stream()
                .mapToDouble(outcome -> controller.counter("qa.experiment.verdicts", "outcome", outcome)).sum();
    }

    private static HttpResponse<String> getText(String path, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(controller.uri(path)).timeout(WAIT).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReportJoinsTheExperimentItsLatestVerdictAndTheAggregatorsStatistics() {
        registerQaAnswer("2.0.0");
        String id = create("Report <b>me</b>", "2.0.0", false);
        Instant startedAt = start(id);
        aggregator.serve(new AggregatorStats(id, List.of(
                ReportSamples.variant(id, "control", 800, 720, 90, 10, 0.002, 100, 4),
                ReportSamples.variant(id, "concise", 200, 190, 30, 10, 0.001, 80, 4))));
        var older = Samples.verdict(id, startedAt, 100, treatment("concise", Decision.INSUFFICIENT_DATA));
        var v = Samples.verdict(id, startedAt, 400, treatment("concise", Decision.NO_DIFFERENCE));
        var newer = new ExperimentVerdict(v.schemaVersion(), v.eventId(), older.occurredAt().plusSeconds(1),
                v.experimentId(), v.startedAt(), v.controlVariant(), v.primaryMetric(), v.minimumDetectableEffect(),
                v.alpha(), v.correction(), v.observedRequests(), v.expectedAllocation(), v.srmPValue(),
                v.treatments());
        double consumed = verdictsConsumed();
        publish(Topics.EXPERIMENT_VERDICTS, id, newer);
        publish(Topics.EXPERIMENT_VERDICTS, id, older);
        await().atMost(WAIT).until(() -> verdictsConsumed() >= consumed + 2);

        Reply report = get("/v1/experiments/" + id + "/report");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.contentType()).startsWith("application/json");
        JsonNode json = report.json();
        assertThat(json.get("experiment").get("status").asString()).isEqualTo("RUNNING");
        assertThat(json.get("experiment").get("lifecycle").get("audit")).hasSize(2);
        // the verdict computed last, although it arrived first
        assertThat(json.get("verdict").get("eventId").asString()).isEqualTo(newer.eventId());
        assertThat(json.get("verdict").get("treatments").get(0).get("decision").asString())
                .isEqualTo("NO_DIFFERENCE");
        assertThat(json.get("warnings")).isEmpty();
        assertThat(json.get("stats").get("variants")).hasSize(2);
        JsonNode control = json.get("variants").get(0);
        assertThat(control.get("variant").asString()).isEqualTo("control");
        assertThat(control.get("control").asBoolean()).isTrue();
        assertThat(control.get("configuredShare").asDouble()).isEqualTo(0.8);
        assertThat(control.get("observedShare").asDouble()).isEqualTo(0.8);
        assertThat(control.get("requests").asLong()).isEqualTo(800);
        assertThat(control.get("successRate").get("rate").asDouble()).isEqualTo(0.9);
        assertThat(control.get("successRate").get("low").asDouble()).isBetween(0.87, 0.9);
        assertThat(control.get("successRate").get("high").asDouble()).isBetween(0.9, 0.93);
        assertThat(control.get("positiveFeedbackRate").get("rate").asDouble()).isEqualTo(0.9);
        assertThat(control.get("costPerRequestUsd").asDouble()).isEqualTo(0.002);
        assertThat(control.get("latency")).hasSize(4);
        assertThat(control.get("latency").get(0).get("windowStart").asString())
                .isEqualTo(ReportSamples.FIRST_WINDOW.toString());
        assertThat(control.get("latency").get(3).get("p99").asDouble()).isEqualTo(390.0);
        JsonNode concise = json.get("variants").get(1);
        assertThat(concise.get("configuredShare").asDouble()).isEqualTo(0.2);
        assertThat(concise.get("observedShare").asDouble()).isEqualTo(0.2);
        assertThat(concise.get("positiveFeedbackRate").get("trials").asLong()).isEqualTo(40);

        for (var html : List.of(getText("/v1/experiments/" + id + "/report", "text/html"),
                getText("/v1/experiments/" + id + "/report?format=html", null))) {
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            String page = html.body();
            for (String chart : List.of("chart-latency", "chart-rates", "chart-cost", "chart-split")) {
                assertThat(page).contains("<svg id=\"" + chart + "\"");
            }
            String latency = page.substring(page.indexOf("<svg id=\"chart-latency\""));
            latency = latency.substring(0, latency.indexOf("</svg>"));
            // 2 variants x 4 windows x p50/p95/p99
            assertThat(latency.split("class=\"point\"", -1)).hasSize(25);
            assertThat(page).contains("class=\"bar\" data-variant=\"concise\" data-series=\"observed\"",
                    "data-series=\"success\"", "<table id=\"audit\">", "user:ana", "NO_DIFFERENCE")
                    .doesNotContain("<script");
        }
        assertThat(getText("/v1/experiments/nope/report", "text/html").statusCode()).isEqualTo(404);
        assertThat(get("/v1/experiments/" + id + "/report?format=pdf").status()).isEqualTo(400);
    }

    @Test
    void theReportAnswersWithoutStatisticsWhenTheAggregatorCannotAnswer() {
        registerQaAnswer("2.0.0");
        String down = create("Aggregator down", "2.0.0", false);
        String unknown = create("Aggregator knows nothing", "2.0.0", false);
        aggregator.drop(down);

        Reply report = get("/v1/experiments/" + down + "/report");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.json().get("stats").isNull()).isTrue();
        assertThat(report.json().get("verdict").isNull()).isTrue();
        assertThat(report.json().get("warnings").get(0).asString()).contains("unreachable");
        assertThat(report.json().get("variants").findValuesAsString("variant")).containsExactly("control", "concise");
        assertThat(report.json().get("experiment").get("status").asString()).isEqualTo("DRAFT");
        HttpResponse<String> html = getText("/v1/experiments/" + down + "/report", "text/html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("<svg id=\"chart-latency\"", "no data yet", "unreachable");

        Reply noStats = get("/v1/experiments/" + unknown + "/report");
        assertThat(noStats.status()).isEqualTo(200);
        assertThat(noStats.json().get("stats").isNull()).isTrue();
        assertThat(noStats.json().get("warnings").get(0).asString()).contains("no statistics");
    }
}
