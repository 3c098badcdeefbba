package io.qaflow.answer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.answer.llm.OpenAiAnswerModel;
import io.qaflow.answer.llm.OpenAiSettings;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The LLM adapter against the project's fake OpenAI-compatible server, over real HTTP. */
class OpenAiAnswerModelContractTest extends AnswerModelContract {
    private static FakeOpenAiServer fake;
    private static OpenAiAnswerModel model;

    @BeforeAll
    static void start() {
        fake = FakeOpenAiServer.start();
        model = new OpenAiAnswerModel(new OpenAiSettings(fake.baseUrl(), "test-key", "fake-gpt",
                Duration.ofSeconds(2), 256, 0.0), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        model.close();
        fake.close();
    }

    @Override
    protected AnswerModel model() {
        return model;
    }

    @Test
    void takesItsUsageFromTheResponse() {
        ModelAnswer answer = model.answer(request("What is the capital of Germany?", List.of(GEOGRAPHY)));

        assertThat(answer.usage().estimated()).isFalse();
        assertThat(answer.usage().completionTokens()).isEqualTo((answer.text().length() + 3) / 4);
    }
}
