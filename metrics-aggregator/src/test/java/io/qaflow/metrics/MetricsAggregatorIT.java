package io.qaflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.VariantStats;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The app on a real broker: topics created, exactly-once Streams running, statistics published and committed. */
class MetricsAggregatorIT {
    @TempDir
    Path stateDir;

    @Test
    void publishesDeduplicatedStatisticsForRealTraffic() throws Exception {
        try (var broker = EmbeddedKafkaBroker.startTemporary();
             ConfigurableApplicationContext app = MetricsAggregatorApplication.builder().run(
                     "--server.port=0",
                     "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                     "--qaflow.aggregator.streams.state-dir=" + stateDir,
                     "--qaflow.aggregator.streams.commit-interval=100ms",
                     "--qaflow.aggregator.windows.flush-interval=200ms",
                     "--qaflow.aggregator.windows.verdict-interval=1s");
             var producer = new KafkaProducer<>(KafkaClients.producerConfigFor(broker.bootstrapServers(), "it"),
                     new StringSerializer(), new ByteArraySerializer());
             var consumer = new KafkaConsumer<>(KafkaClients.consumerConfigFor(broker.bootstrapServers(), "it", "it"),
                     new StringDeserializer(), Topics.EXPERIMENT_STATS.valueSerde())) {
            Instant now = Instant.now();
            AnswerCompleted answer = new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal("r1"), now,
                    "r1", "u", Variant.defaults(5), "an answer", List.of(), "m", false, new TokenUsage(100, 10, false),
                    0.001, new StageLatency(120, 10, 5, 60), null, null, null);
            send(producer, Topics.ANSWERS, "r1", answer);
            send(producer, Topics.ANSWERS, "r1", answer); // redelivered
            send(producer, Topics.FAILURES, "r2", RequestFailed.of(new RequestRef("r2", "u", Variant.defaults(5),
                    null), FailureStage.GENERATION, FailureCode.EXPIRED, false, "late", StageLatency.NONE, now));
            producer.flush();

            consumer.subscribe(List.of(Topics.EXPERIMENT_STATS.name()));
            Map<String, VariantStats> latest = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
                VariantStats cumulative = latest.get("default/control/cumulative");
                assertThat(cumulative).isNotNull();
                assertThat(cumulative.requests()).isEqualTo(2);
                assertThat(cumulative.answered()).isEqualTo(1);
                assertThat(cumulative.expired()).isEqualTo(1);
            });
            assertThat(latest.values()).filteredOn(s -> !s.cumulative()).extracting(VariantStats::requests)
                    .containsOnly(2L);

            // interactive query of the same figures from the state stores
            String base = "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port");
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> stats = get(http, base + "/v1/experiments/default/stats");
                assertThat(stats.statusCode()).isEqualTo(200);
                JsonNode control = Json.MAPPER.readTree(stats.body()).path("variants").get(0);
                assertThat(control.path("variant").asString()).isEqualTo("control");
                assertThat(control.path("cumulative").path("requests").asLong()).isEqualTo(2);
                assertThat(control.path("cumulative").path("answered").asLong()).isEqualTo(1);
                assertThat(control.path("recentWindows")).hasSize(1);
                assertThat(control.path("recentWindows").get(0).path("requests").asLong()).isEqualTo(2);

                HttpResponse<String> unknown = get(http, base + "/v1/experiments/no-such-experiment/stats");
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(Json.MAPPER.readTree(unknown.body()).path("status").asInt()).isEqualTo(404);
                // the default experiment has no definition, hence no verdict
                assertThat(get(http, base + "/v1/experiments/default/verdict").statusCode()).isEqualTo(404);

                // a defined experiment gets a verdict on qa.experiment-verdicts.v1 and over HTTP
                send(producer, Topics.EXPERIMENTS, "exp", ExperimentState.of("exp", List.of(
                                new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "m", 5, 1),
                                new ExperimentState.Arm("treatment", "2.0.0", "m", 5, 1)),
                        Variant.CONTROL, ExperimentState.Status.RUNNING, now, now));
                for (String variant : List.of(Variant.CONTROL, "treatment")) {
                    for (int i = 0; i < 30; i++) {
                        String requestId = "exp-" + variant + "-" + i;
                        send(producer, Topics.ANSWERS, requestId, new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION,
                                EventIds.terminal(requestId), now, requestId, "u", new Variant("exp", variant,
                                "qa-answer", "1.0.0", "m", 5), "an answer", List.of(), "m", false, new TokenUsage(100,
                                10, false), 0.001, new StageLatency(100 + i, 10, 5, 60), null, null, null));
                    }
                }
                producer.flush();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    HttpResponse<String> verdict = get(http, base + "/v1/experiments/exp/verdict");
                    assertThat(verdict.statusCode()).isEqualTo(200);
                    JsonNode body = Json.MAPPER.readTree(verdict.body());
                    assertThat(body.path("observedRequests").path("treatment").asLong()).isEqualTo(30);
                    assertThat(body.path("treatments").get(0).path("decision").asString())
                            .isEqualTo("INSUFFICIENT_DATA");
                });
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)));
    }
}
