package io.qaflow.answer.it;

import io.qaflow.answer.AnswerWorkerApplication;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
        return new AnswerWorkerStack(broker, fake, app);
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
