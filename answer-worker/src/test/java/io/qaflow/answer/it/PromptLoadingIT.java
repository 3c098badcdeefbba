package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.GEOGRAPHY;
import static io.qaflow.answer.it.ContextPublisher.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.answer.cache.AnswerCaching;
import io.qaflow.answer.cost.PriceTable;
import io.qaflow.answer.generation.GeneratedAnswer;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.model.ModelAnswer;
import io.qaflow.answer.model.ModelChoice;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.answer.worker.AnswerHandler;
import io.qaflow.kafka.KafkaRuntime;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.Event;
import io.qaflow.model.EventIds;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.RenderedPrompt;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * While the prompt registry is still being read at start, a request naming a version the worker has not seen yet
 * waits for the registry instead of taking the fallback prompt at once — but never longer than the load wait; once
 * it has been read, such a request waits for the version itself, briefly.
 */
class PromptLoadingIT {
    private static final PromptTemplate V1_3_0 = new PromptTemplate("qa-answer", "1.3.0", "PROMPT 1.3.0",
            "{{context}}\nQuestion: {{question}}");

    private static EmbeddedKafkaBroker broker;
    private static KafkaRuntime kafka;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RenderedPrompt> prompts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(3).provision(admin);
        }
        kafka = KafkaRuntime.standalone("prompt-loading-it", broker.bootstrapServers(), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        kafka.close();
        broker.close();
    }

    @Test
    void aRequestNamingAnUnseenVersionWaitsForTheRegistrysFirstRead() throws Exception {
        PromptCatalog catalog = PromptCatalog.loading();
        AnswerHandler handler = handler(catalog, Duration.ofSeconds(20));

        CompletableFuture<Event> answered = answerAsync(handler, "1.3.0");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !answered.isDone());
        catalog.register(V1_3_0);
        catalog.markLoaded();

        assertThat(answered.get()).isInstanceOf(AnswerCompleted.class);
        assertThat(prompts).extracting(RenderedPrompt::templateVersion).containsExactly("1.3.0");
        assertThat(prompts.getFirst().system()).isEqualTo("PROMPT 1.3.0");
        assertThat(unknownPrompts()).isZero();
    }

    @Test
    void givesUpWaitingAfterTheLoadWaitAndAnswersWithTheBuiltInPrompt() throws Exception {
        AnswerHandler handler = handler(PromptCatalog.loading(), Duration.ofMillis(300));
        long started = System.nanoTime();

        Event event = answerAsync(handler, "1.3.0").get();

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(event).isInstanceOf(AnswerCompleted.class);
        assertThat(prompts).extracting(RenderedPrompt::templateVersion).containsExactly("1.0.0");
        assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(10));
        assertThat(unknownPrompts()).isEqualTo(1);
    }

    @Test
    void aLoadedCatalogWaitsOnlyTheUnknownVersionWaitThenFallsBack() throws Exception {
        AnswerHandler handler = handler(PromptCatalog.builtIn(), Duration.ofSeconds(20), Duration.ofMillis(300));
        long started = System.nanoTime();

        answerAsync(handler, "1.3.0").get();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300),
                Duration.ofSeconds(10));
        assertThat(prompts).extracting(RenderedPrompt::templateVersion).containsExactly("1.0.0");
        assertThat(unknownPrompts()).isEqualTo(1);
    }

    /** A default the gateway already read whose version record reaches this worker a moment later. */
    @Test
    void aLoadedCatalogUsesAVersionRegisteredWhileTheRequestWaits() throws Exception {
        PromptCatalog catalog = PromptCatalog.builtIn();
        AnswerHandler handler = handler(catalog, Duration.ofSeconds(20), Duration.ofSeconds(10));

        CompletableFuture<Event> answered = answerAsync(handler, "1.3.0");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !answered.isDone());
        catalog.register(V1_3_0);

        assertThat(answered.get()).isInstanceOf(AnswerCompleted.class);
        assertThat(prompts).extracting(RenderedPrompt::templateVersion).containsExactly("1.3.0");
        assertThat(unknownPrompts()).isZero();
    }

    private AnswerHandler handler(PromptCatalog catalog, Duration loadWait) {
        return handler(catalog, loadWait, Duration.ofMillis(300));
    }

    private AnswerHandler handler(PromptCatalog catalog, Duration loadWait, Duration unknownVersionWait) {
        return new AnswerHandler((request, deadline) -> {
            prompts.add(request.prompt());
            return GeneratedAnswer.normal(new ModelAnswer("Berlin is the capital of Germany.", List.of(GEOGRAPHY),
                    new TokenUsage(100, 8, false), "fake-gpt"));
        }, new ModelChoice(Optional.of("fake-gpt"), "extractive"), AnswerCaching.OFF, catalog, new PromptRenderer(),
                new PriceTable(Map.of(), Set.of()), kafka.publisher(), new AnswerMetrics(registry), Duration.ofSeconds(5),
                loadWait, unknownVersionWait, Clock.systemUTC(), ObservationRegistry.NOOP);
    }

    private static CompletableFuture<Event> answerAsync(AnswerHandler handler, String promptVersion) {
        Instant now = Instant.now();
        Variant variant = new Variant("exp-prompts", "treatment", "qa-answer", promptVersion, Variant.AUTO_MODEL, 5);
        ContextRetrieved context = new ContextRetrieved(ContextRetrieved.SCHEMA_VERSION, EventIds.random(), now,
                "req-" + UUID.randomUUID(), QUESTION, "user-1", variant, now, now.plusSeconds(60), List.of(GEOGRAPHY),
                "test-corpus", 12, 3, null, null);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return handler.handle(context);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private double unknownPrompts() {
        Counter counter = registry.find("qa.errors").tag("code", "unknown_prompt").counter();
        return counter == null ? 0 : counter.count();
    }
}
