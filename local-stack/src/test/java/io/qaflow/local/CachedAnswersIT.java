package io.qaflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.testkit.squad.Squad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The answer cache across the real pipeline (broker, Redis, embedder, answer worker, gateway): the second ask of a
 * question is answered from the cache, and re-ingesting the corpus makes the next ask a miss.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachedAnswersIT {
    private static final String QUESTION = "Which NFL team represented the AFC at Super Bowl 50?";

    @TempDir
    static Path dataDir;

    private LocalStack stack;
    private GatewayClient gateway;

    @BeforeAll
    void start() {
        stack = GatewayClient.startWithCorpus(LocalStackSettings.forTests(dataDir),
                Squad.superBowl50().paragraphs());
        gateway = new GatewayClient(stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode answered(String question) {
        GatewayClient.Response response = gateway.ask(question, Map.of());
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        return response.body();
    }

    @Test
    void theSecondAskIsCachedAndANewCorpusVersionMisses() {
        JsonNode first = answered(QUESTION);
        assertThat(first.path("cached").asBoolean()).isFalse();
        // the answer worker writes the cache just after publishing the answer
        JsonNode second = await().atMost(Duration.ofSeconds(10)).until(() -> answered(QUESTION),
                body -> body.path("cached").asBoolean());
        assertThat(second.path("answer").asString()).isEqualTo(first.path("answer").asString());
        assertThat(second.path("costUsd").asDouble()).isZero();
        System.out.printf("[cache] first ask %d ms (embed %d, retrieve %d, generate %d); cached ask %d ms%n",
                first.path("latencyMs").path("total").asLong(), first.path("latencyMs").path("embed").asLong(),
                first.path("latencyMs").path("retrieve").asLong(), first.path("latencyMs").path("generate").asLong(),
                second.path("latencyMs").path("total").asLong());
        assertThat(second.path("latencyMs").path("total").asLong())
                .isLessThan(first.path("latencyMs").path("total").asLong());

        GatewayClient.Response ingested = gateway.post("/v1/documents", Map.of("documents", List.of(Map.of(
                "id", "qaflow-cache-test", "title", "Cache test",
                "text", "This paragraph exists to change the corpus version."))));
        assertThat(ingested.status()).isEqualTo(202);
        // the embedder indexes it and publishes the new corpus version; the gateway reads it within a second
        JsonNode afterReingest = await().atMost(Duration.ofSeconds(30)).until(() -> answered(QUESTION),
                body -> !body.path("cached").asBoolean());
        assertThat(afterReingest.path("answer").asString()).contains("Denver Broncos");
    }
}
