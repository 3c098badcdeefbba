package io.qaflow.answer.it;

import io.qaflow.answer.AnswerWorkerApplication;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real broker, the fake LLM and the answer worker app wired to both, plus a publisher and a collector: what
 * every integration test starts. The LLM settings favour fast tests: short backoffs, short circuit open duration.
 */
final class AnswerWorkerStack implements AutoCloseable {
    final EmbeddedKafkaBroker broker;
    final FakeOpenAiServer fake;
    final ConfigurableApplicationContext app;
    final ContextPublisher publisher;
    final OutputCollector outputs;

    private AnswerWorkerStack(EmbeddedKafkaBroker broker, FakeOpenAiServer fake, ConfigurableApplicationContext app) {
        this.broker = broker;
        this.fake = fake;
        this.app = app;
        this.publisher = new ContextPublisher(broker.bootstrapServers());
        this.outputs = new OutputCollector(broker.bootstrapServers());
    }

    /** @param overrides {@code key=value} settings replacing the test defaults */
    static AnswerWorkerStack start(String... overrides) {
        return start(broker -> { }, overrides);
    }

    /** @param beforeApp run on the started broker before the app starts (e.g. to publish what it reads at start) */
    static AnswerWorkerStack start(Consumer<EmbeddedKafkaBroker> beforeApp, String... overrides) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        beforeApp.accept(broker);
        FakeOpenAiServer fake = FakeOpenAiServer.start();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
        properties.put("qaflow.answer.llm.base-url", fake.baseUrl());
        properties.put("qaflow.answer.llm.api-key", "test-key");
        properties.put("qaflow.answer.llm.model", "fake-gpt");
        properties.put("qaflow.answer.prices.fake-gpt.input-per-million", "2.0");
        properties.put("qaflow.answer.prices.fake-gpt.output-per-million", "8.0");
        properties.put("qaflow.answer.resilience.retry.initial-backoff", "20ms");
        properties.put("qaflow.answer.resilience.retry.max-backoff", "200ms");
        properties.put("qaflow.answer.resilience.circuit-breaker.open-duration", "2s");
        // the cache would answer these tests' repeated questions without the LLM; the cache tests switch it on
        properties.put("qaflow.cache.enabled", "false");
        properties.put("qaflow.redis.enabled", "false");
        for (String override : overrides) {
            int eq = override.indexOf('=');
            properties.put(override.substring(0, eq), override.substring(eq + 1));
        }
        // as command-line arguments: builder().properties(...) would only set defaults, below answer-worker.yml
        ConfigurableApplicationContext app = AnswerWorkerApplication.builder()
                .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
        AnswerWorkerStack stack = new AnswerWorkerStack(broker, fake, app);
        stack.awaitReady();
        return stack;
    }

    /**
     * Waits, as a readiness probe would before routing traffic, until the worker reports ready (the context
     * consumer polling and the prompt registry read); fails with the readiness body when it never does.
     */
    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create("http://127.0.0.1:" + httpPort() + "/actuator/health/readiness");
        AtomicReference<String> last = new AtomicReference<>("no response");
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(readiness).build(),
                        HttpResponse.BodyHandlers.ofString());
                last.set(response.statusCode() + " " + response.body());
                return response.statusCode() == 200;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the answer worker never became ready: " + last.get(), e);
        }
    }

    /** With the answer cache on, over {@code redisUrl}; availability probed every 200 ms. */
    static AnswerWorkerStack startWithRedis(String redisUrl, String... overrides) {
        List<String> settings = new ArrayList<>(List.of("qaflow.cache.enabled=true", "qaflow.redis.enabled=true",
                "qaflow.redis.url=" + redisUrl, "qaflow.redis.probe-interval=200ms"));
        settings.addAll(List.of(overrides));
        return start(settings.toArray(String[]::new));
    }

    <T> T bean(Class<T> type) {
        return app.getBean(type);
    }

    int httpPort() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() throws Exception {
        outputs.close();
        publisher.close();
        app.close();
        fake.close();
        broker.close();
    }
}
