package io.qaflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Json;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two aggregator instances on one broker split the partitions between them; either one answers for every
 * experiment: statistics merged from both instances' stores, verdicts read from (or forwarded to) their owner.
 */
class MultiInstanceQueryIT {
    private static final int EXPERIMENTS = 6;
    private static final int PER_VARIANT = 120;

    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    @Test
    void eitherInstanceAnswersForEveryExperiment() throws Exception {
        try (var broker = EmbeddedKafkaBroker.startTemporary();
             ConfigurableApplicationContext a = start(broker, stateA);
             ConfigurableApplicationContext b = start(broker, stateB);
             var producer = new KafkaProducer<>(KafkaClients.producerConfigFor(broker.bootstrapServers(), "it"),
                     new StringSerializer(), new ByteArraySerializer());
             HttpClient http = HttpClient.newHttpClient()) {
            Instant now = Instant.now();
            for (int e = 0; e < EXPERIMENTS; e++) {
                String experimentId = "exp-" + e;
                send(producer, Topics.EXPERIMENTS, experimentId, ExperimentState.of(experimentId, List.of(
                                new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "m", 5, 1),
                                new ExperimentState.Arm("treatment", "2.0.0", "m", 5, 1)),
                        Variant.CONTROL, ExperimentState.Status.RUNNING, now, now));
                for (String variant : List.of(Variant.CONTROL, "treatment")) {
                    for (int i = 0; i < PER_VARIANT; i++) {
                        String requestId = experimentId + "-" + variant + "-" + i;
                        send(producer, Topics.ANSWERS, requestId, new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION,
                                EventIds.terminal(requestId), now, requestId, "u", new Variant(experimentId, variant,
                                "qa-answer", "1.0.0", "m", 5), "an answer", List.of(), "m", false, new TokenUsage(100,
                                10, false), 0.001, new StageLatency(100 + i, 10, 5, 60), null, null, null));
                    }
                }
            }
            producer.flush();

            String baseA = base(a);
            String baseB = base(b);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int e = 0; e < EXPERIMENTS; e++) {
                    for (String base : List.of(baseA, baseB)) {
                        HttpResponse<String> stats = get(http, base + "/v1/experiments/exp-" + e + "/stats");
                        assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
                        JsonNode variants = Json.MAPPER.readTree(stats.body()).path("variants");
                        assertThat(variants).hasSize(2);
                        for (JsonNode variant : variants) {
                            assertThat(variant.path("cumulative").path("requests").asLong()).isEqualTo(PER_VARIANT);
                        }
                        HttpResponse<String> verdict = get(http, base + "/v1/experiments/exp-" + e + "/verdict");
                        assertThat(verdict.statusCode()).as(verdict.body()).isEqualTo(200);
                        assertThat(Json.MAPPER.readTree(verdict.body()).path("observedRequests").path("treatment")
                                .asLong()).isEqualTo(PER_VARIANT);
                    }
                }
            });

            // the routing was needed: each instance holds only a part of the variants and of the verdicts
            int localVariantsA = 0;
            int localVariantsB = 0;
            int localVerdictsA = 0;
            int localVerdictsB = 0;
            for (int e = 0; e < EXPERIMENTS; e++) {
                localVariantsA += localVariants(http, baseA, "exp-" + e);
                localVariantsB += localVariants(http, baseB, "exp-" + e);
                localVerdictsA += get(http, baseA + "/v1/experiments/exp-" + e + "/verdict?scope=local")
                        .statusCode() == 200 ? 1 : 0;
                localVerdictsB += get(http, baseB + "/v1/experiments/exp-" + e + "/verdict?scope=local")
                        .statusCode() == 200 ? 1 : 0;
            }
            assertThat(localVariantsA + localVariantsB).isEqualTo(2 * EXPERIMENTS);
            assertThat(localVariantsA).isPositive();
            assertThat(localVariantsB).isPositive();
            assertThat(localVerdictsA + localVerdictsB).isEqualTo(EXPERIMENTS);
            assertThat(localVerdictsA).isPositive();
            assertThat(localVerdictsB).isPositive();
        }
    }

    private static ConfigurableApplicationContext start(EmbeddedKafkaBroker broker, Path stateDir) {
        return MetricsAggregatorApplication.builder().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--qaflow.aggregator.streams.state-dir=" + stateDir,
                "--qaflow.aggregator.streams.commit-interval=200ms",
                "--qaflow.aggregator.windows.flush-interval=200ms",
                "--qaflow.aggregator.windows.verdict-interval=1s");
    }

    private static int localVariants(HttpClient http, String base, String experimentId) throws Exception {
        HttpResponse<String> stats = get(http, base + "/v1/experiments/" + experimentId + "/stats?scope=local");
        return stats.statusCode() == 200 ? Json.MAPPER.readTree(stats.body()).path("variants").size() : 0;
    }

    private static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port");
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)));
    }
}
