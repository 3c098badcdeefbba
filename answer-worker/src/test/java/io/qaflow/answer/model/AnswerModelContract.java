package io.qaflow.answer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.model.prompt.QaPrompt;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link AnswerModel} promises; each implementation's test extends this once. */
public abstract class AnswerModelContract {
    protected static final SourceChunk GEOGRAPHY = new SourceChunk("geo", "geo#0", "Capitals", 0.9,
            "Paris is the capital of France. Berlin is the capital of Germany. Madrid is the capital of Spain.");
    protected static final SourceChunk RIVERS = new SourceChunk("rivers", "rivers#0", "Rivers", 0.7,
            "The Rhine flows through Germany and the Netherlands. The Seine flows through Paris.");

    protected abstract AnswerModel model();

    protected static AnswerRequest request(String question, List<SourceChunk> chunks) {
        return new AnswerRequest(question, chunks,
                new PromptRenderer().render(QaPrompt.V1_0_0, QaPrompt.variables(question, chunks)),
                Variant.AUTO_MODEL, Duration.ofSeconds(10));
    }

    @Test
    void answersFromTheContext() {
        ModelAnswer answer = model().answer(request("What is the capital of Germany?", List.of(GEOGRAPHY, RIVERS)));

        assertThat(answer.text()).contains("Berlin");
    }

    @Test
    void namesTheModelAndOnlySourcesItWasGiven() {
        ModelAnswer answer = model().answer(request("What is the capital of Germany?", List.of(GEOGRAPHY, RIVERS)));

        assertThat(answer.model()).isEqualTo(model().name());
        assertThat(answer.usedSources()).isNotEmpty().isSubsetOf(GEOGRAPHY, RIVERS);
    }

    @Test
    void reportsTokenUsage() {
        ModelAnswer answer = model().answer(request("What is the capital of Germany?", List.of(GEOGRAPHY)));

        assertThat(answer.usage().promptTokens()).isPositive();
        assertThat(answer.usage().completionTokens()).isPositive();
    }

    @Test
    void answersEvenWithoutContext() {
        ModelAnswer answer = model().answer(request("Who won the cup?", List.of()));

        assertThat(answer.text()).isNotBlank();
    }

    @Test
    void servesConcurrentCalls() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ModelAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> model().answer(
                        request("What is the capital of Germany?", List.of(GEOGRAPHY, RIVERS)))));
            }
            for (Future<ModelAnswer> answer : answers) {
                assertThat(answer.get().text()).contains("Berlin");
            }
        }
    }
}
