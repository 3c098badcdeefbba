package io.qaflow.answer.it;

import static io.qaflow.answer.it.ContextPublisher.EXPECTED_FAKE_ANSWER;
import static io.qaflow.answer.it.ContextPublisher.GEOGRAPHY;
import static io.qaflow.answer.it.ContextPublisher.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.kafka.KafkaClients;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.EventIds;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.QaPrompt;
import io.qaflow.model.prompt.RenderedPrompt;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.fakellm.FakeAnswerRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live prompt catalog on a real broker: versions in {@code qa.prompts.v1} before the worker starts are loaded
 * before it reports ready, versions published while it runs answer the next request naming them, and the LLM
 * receives each version's own texts; unknown and unusable versions are answered with the built-in prompt. Nothing is
 * restarted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromptRegistryIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SYSTEM_1_1_0 = "PROMPT 1.1.0. Answer with a single sentence copied from the passages, "
            + "or say that you do not know. Never add anything of your own, however helpful it may seem.";
    private static final String USER_1_1_0 = "Passages:\n{{context}}\n\nQuestion: {{question}}";
    private static final String SYSTEM_2_0_0 = "PROMPT 2.0.0. Quote the passage that answers.";
    private static final String UNUSABLE_SYSTEM = "You are talking to {{user_name}}.";

    private static RecordingLlmProxy proxy;
    private static AnswerWorkerStack stack;
    private static KafkaProducer<byte[], byte[]> prompts;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        proxy = RecordingLlmProxy.start();
        stack = AnswerWorkerStack.start(broker -> {
            provisionTopics(broker);
            prompts = producer(broker);
            PromptVersion v110 = version("1.1.0", SYSTEM_1_1_0, USER_1_1_0);
            publish(PromptVersion.versionKey(v110.name(), v110.version()), v110);
            // the name's default, which the worker leaves to the gateway
            publish(PromptVersion.defaultKey(v110.name()), v110.asDefault(Instant.now()));
            PromptVersion unusable = version("1.2.0", UNUSABLE_SYSTEM, USER_1_1_0);
            publish(PromptVersion.versionKey(unusable.name(), unusable.version()), unusable);
        }, "qaflow.answer.llm.base-url=" + proxy.baseUrl());
        proxy.forwardTo(stack.fake.uri("/"));
    }

    @AfterAll
    static void stop() throws Exception {
        prompts.close();
        stack.close();
        proxy.close();
    }

    @BeforeEach
    void clear() {
        proxy.clear();
    }

    @Test
    @Order(1) // before a test publishes another version
    void loadsTheVersionsPublishedBeforeItStartedBeforeItIsReady() throws Exception {
        JsonNode readiness = await().atMost(WAIT).until(() -> get("/actuator/health/readiness"),
                r -> r.path("status").asString().equals("UP"));
        JsonNode component = readiness.path("components").path("prompts");
        assertThat(component.path("status").asString()).isEqualTo("UP");
        assertThat(component.path("details").path("state").asString()).isEqualTo("loaded");
        assertThat(component.path("details").path("versions").asInt()).as("1.0.0 built in, 1.1.0").isEqualTo(2);
        assertThat(component.path("details").path("rejected").asInt()).as("1.2.0").isEqualTo(1);
    }

    @Test
    void theLlmReceivesTheNamedVersionsTextsAndTheAnswerCarriesItsVersion() {
        AnswerCompleted answer = ask("1.1.0");

        RenderedPrompt expected = render(new PromptTemplate("qa-answer", "1.1.0", SYSTEM_1_1_0, USER_1_1_0));
        assertThat(proxy.requests()).containsExactly(
                new RecordingLlmProxy.ChatRequest(expected.system(), expected.user()));
        assertThat(answer.variant().promptVersion()).isEqualTo("1.1.0");
        assertThat(answer.degraded()).isFalse();
        assertThat(answer.answer()).isEqualTo(EXPECTED_FAKE_ANSWER);
        // the fake counts the characters it received
        assertThat(answer.usage().promptTokens())
                .isEqualTo(FakeAnswerRule.promptTokens(List.of(expected.system(), expected.user())));
    }

    @Test
    void aVersionPublishedWhileItRunsAnswersTheNextRequestNamingIt() {
        PromptCatalog catalog = stack.bean(PromptCatalog.class);
        assertThat(catalog.find("qa-answer", "2.0.0")).isEmpty();
        String user = "Q: {{question}}\n{{context}}";
        PromptVersion v200 = version("2.0.0", SYSTEM_2_0_0, user);

        publish(PromptVersion.versionKey(v200.name(), v200.version()), v200);
        await().atMost(WAIT).until(() -> catalog.find("qa-answer", "2.0.0").isPresent());
        AnswerCompleted answer = ask("2.0.0");

        RenderedPrompt expected = render(new PromptTemplate("qa-answer", "2.0.0", SYSTEM_2_0_0, user));
        assertThat(proxy.requests()).containsExactly(
                new RecordingLlmProxy.ChatRequest(expected.system(), expected.user()));
        assertThat(answer.variant().promptVersion()).isEqualTo("2.0.0");
        assertThat(answer.degraded()).isFalse();
    }

    @Test
    void anUnknownVersionIsAnsweredWithTheBuiltInPromptAndCounted() {
        double before = unknownPrompts();

        AnswerCompleted answer = ask("9.9.9");

        RenderedPrompt builtIn = render(QaPrompt.V1_0_0);
        assertThat(proxy.requests()).containsExactly(
                new RecordingLlmProxy.ChatRequest(builtIn.system(), builtIn.user()));
        assertThat(answer.variant().promptVersion()).as("the request's variant, as before").isEqualTo("9.9.9");
        assertThat(answer.answer()).isEqualTo(EXPECTED_FAKE_ANSWER);
        assertThat(unknownPrompts()).isEqualTo(before + 1);
    }

    @Test
    void aVersionTheWorkerCannotRenderIsDeadLetteredAndRequestsNamingItGetTheBuiltInPrompt() {
        assertThat(stack.bean(PromptCatalog.class).find("qa-answer", "1.2.0")).isEmpty();
        List<ConsumerRecord<byte[], byte[]>> deadLetters = deadLetters();
        assertThat(deadLetters).hasSize(1);
        ConsumerRecord<byte[], byte[]> deadLetter = deadLetters.getFirst();
        assertThat(new String(deadLetter.key(), StandardCharsets.UTF_8)).isEqualTo("qa-answer@1.2.0");
        assertThat(new String(deadLetter.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE).value(),
                StandardCharsets.UTF_8)).contains("{{user_name}}");

        ask("1.2.0");

        assertThat(proxy.requests()).extracting(RecordingLlmProxy.ChatRequest::system)
                .containsExactly(render(QaPrompt.V1_0_0).system());
    }

    private AnswerCompleted ask(String promptVersion) {
        String requestId = "req-" + UUID.randomUUID();
        Instant now = Instant.now();
        Variant variant = new Variant("exp-prompts", "treatment", "qa-answer", promptVersion, Variant.AUTO_MODEL, 5);
        stack.publisher.publish(new ContextRetrieved(ContextRetrieved.SCHEMA_VERSION, EventIds.random(), now,
                requestId, QUESTION, "user-1", variant, now.minusMillis(50), now.plusSeconds(30), List.of(GEOGRAPHY),
                "test-corpus", 12, 3, null, null));
        return await().atMost(WAIT).until(() -> stack.outputs.answer(requestId), a -> a != null);
    }

    private static RenderedPrompt render(PromptTemplate template) {
        return new PromptRenderer().render(template, QaPrompt.variables(QUESTION, List.of(GEOGRAPHY)));
    }

    private double unknownPrompts() {
        Counter counter = stack.bean(MeterRegistry.class).find("qa.errors").tag("code", "unknown_prompt").counter();
        return counter == null ? 0 : counter.count();
    }

    private JsonNode get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.httpPort() + path))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static PromptVersion version(String version, String system, String user) {
        return PromptVersion.of("qa-answer", version, system, user, "user:test", "registry test", 60, Instant.now());
    }

    private static void provisionTopics(EmbeddedKafkaBroker broker) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(3).provision(admin);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafkaBroker broker) {
        Map<String, Object> props = KafkaClients.producerConfigFor(broker.bootstrapServers(), "test-prompt-registry");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }

    private static void publish(String key, PromptVersion version) {
        try {
            prompts.send(new ProducerRecord<>(Topics.PROMPTS.name(), key.getBytes(StandardCharsets.UTF_8),
                    Topics.PROMPTS.valueSerde().serialize(Topics.PROMPTS.name(), version))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything on the registry's dead-letter topic, once at least one record is there. */
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        Map<String, Object> props = KafkaClients.consumerConfigFor(stack.broker.bootstrapServers(),
                "test-prompts-dlt-" + UUID.randomUUID(), "test-prompts-dlt");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.PROMPTS.deadLetterName()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
            // anything else already there arrives with the next polls
            for (int i = 0; i < 3; i++) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
