package io.qaflow.answer.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.LlmCallException;
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.model.prompt.QaPrompt;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import io.qaflow.testkit.fakellm.FakeAnswerRule;
import io.qaflow.testkit.fakellm.FakeLlmCall;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiAnswerModelTest {
    private static final SourceChunk CHUNK = new SourceChunk("geo", "geo#0", "Capitals", 0.9,
            "Paris is the capital of France. Berlin is the capital of Germany.");
    private static final String QUESTION = "What is the capital of Germany?";

    private FakeOpenAiServer fake;
    private OpenAiAnswerModel model;

    @BeforeEach
    void start() {
        fake = FakeOpenAiServer.start();
        model = model(fake.baseUrl());
    }

    @AfterEach
    void stop() {
        model.close();
        fake.close();
    }

    @Test
    void sendsTheRenderedPromptAndReportsTheServersUsage() {
        AnswerRequest request = request(Variant.AUTO_MODEL, Duration.ofSeconds(5));

        var answer = model.answer(request);

        assertThat(answer.text()).isEqualTo("Berlin is the capital of Germany.");
        assertThat(answer.usage().promptTokens()).isEqualTo(FakeAnswerRule.promptTokens(
                List.of(request.prompt().system(), request.prompt().user())));
        assertThat(answer.usage().completionTokens()).isEqualTo(FakeAnswerRule.completionTokens(answer.text()));
        assertThat(answer.model()).isEqualTo("fake-gpt");
        assertThat(answer.usedSources()).containsExactly(CHUNK);
    }

    @Test
    void asksForTheVariantsModelWhenItNamesOne() {
        var answer = model.answer(request("tiny-model", Duration.ofSeconds(5)));

        assertThat(answer.model()).isEqualTo("tiny-model");
        assertThat(fake.calls()).extracting(FakeLlmCall::model).containsExactly("tiny-model");
    }

    @Test
    void sendsTheVariantsTemperatureWhenItSetsOneElseTheConfiguredOne() {
        model.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5)).withTemperature(0.7));
        model.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5)));
        try (OpenAiAnswerModel configured = new OpenAiAnswerModel(new OpenAiSettings(fake.baseUrl(), "key",
                "fake-gpt", Duration.ofSeconds(2), 128, 0.2), Clock.systemUTC())) {
            configured.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5)));
            configured.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5)).withTemperature(1.1));
        }

        assertThat(fake.calls()).extracting(FakeLlmCall::temperature).containsExactly(0.7, null, 0.2, 1.1);
    }

    @Test
    void reportsRateLimitingWithRetryAfterAndMakesNoRetriesOfItsOwn() {
        fake.configure(fake.config().withErrors(1.0, 429).withRetryAfter(Duration.ofSeconds(2)));

        assertThatThrownBy(() -> model.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5))))
                .asInstanceOf(type(LlmCallException.class))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(LlmCallException.Kind.RATE_LIMITED);
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(2));
                });
        assertThat(fake.stats().received()).isEqualTo(1);
    }

    @Test
    void classifiesServerAndClientErrors() {
        fake.configure(fake.config().withErrors(1.0, 503));
        assertThatThrownBy(() -> model.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5))))
                .asInstanceOf(type(LlmCallException.class))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(LlmCallException.Kind.SERVER_ERROR);
                    assertThat(e.retryable()).isTrue();
                });

        fake.configure(fake.config().withErrors(1.0, 400));
        assertThatThrownBy(() -> model.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(5))))
                .asInstanceOf(type(LlmCallException.class))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(LlmCallException.Kind.CLIENT_ERROR);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void abandonsAHungCallWhenItsTimeLimitPasses() {
        fake.configure(fake.config().withHang(true));

        long start = System.nanoTime();
        assertThatThrownBy(() -> model.answer(request(Variant.AUTO_MODEL, Duration.ofMillis(400))))
                .asInstanceOf(type(LlmCallException.class))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(LlmCallException.Kind.TIMEOUT));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void abandonsACallWhoseBodyStallsAfterTheHeadersWhenItsTimeLimitPasses() {
        fake.configure(fake.config().withStallBody(true));

        long start = System.nanoTime();
        assertThatThrownBy(() -> model.answer(request(Variant.AUTO_MODEL, Duration.ofMillis(400))))
                .asInstanceOf(type(LlmCallException.class))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(LlmCallException.Kind.TIMEOUT));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
        assertThat(fake.stats().hung()).as("the fake sent headers and then stalled").isEqualTo(1);
    }

    @Test
    void reportsAnUnreachableEndpointAsAConnectionFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (OpenAiAnswerModel unreachable = model("http://127.0.0.1:" + closedPort + "/v1")) {
            assertThatThrownBy(() -> unreachable.answer(request(Variant.AUTO_MODEL, Duration.ofSeconds(2))))
                    .asInstanceOf(type(LlmCallException.class))
                    .satisfies(e -> {
                        assertThat(e.kind()).isEqualTo(LlmCallException.Kind.CONNECTION);
                        assertThat(e.retryable()).isFalse();
                    });
        }
    }

    private static OpenAiAnswerModel model(String baseUrl) {
        return new OpenAiAnswerModel(new OpenAiSettings(baseUrl, "key", "fake-gpt", Duration.ofSeconds(2), 128,
                null), Clock.systemUTC());
    }

    private static AnswerRequest request(String model, Duration timeLimit) {
        return new AnswerRequest(QUESTION, List.of(CHUNK),
                new PromptRenderer().render(QaPrompt.V1_0_0, QaPrompt.variables(QUESTION, List.of(CHUNK))), model,
                timeLimit);
    }
}
