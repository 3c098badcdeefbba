package io.qaflow.answer.extractive;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.ModelAnswer;
import io.qaflow.model.prompt.RenderedPrompt;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import io.qaflow.testkit.squad.Squad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtractiveAnswerModelTest {
    private static final String AFC_QUESTION = "Which NFL team represented the AFC at Super Bowl 50?";
    private final ExtractiveAnswerModel model = new ExtractiveAnswerModel("extractive", 0.8, 0.3, 0.3);

    @ParameterizedTest
    @ValueSource(strings = {RecordedRetrieval.MINILM, RecordedRetrieval.HYBRID})
    void findsTheAfcTeamInTheParagraphsRetrieved(String retrieval) {
        Squad squad = Squad.superBowl50();
        Squad.Question afc = squad.questions().stream().filter(q -> q.question().equals(AFC_QUESTION)).findFirst()
                .orElseThrow();
        List<SourceChunk> top5 = new RecordedRetrieval(retrieval).topK(afc);

        ModelAnswer answer = model.answer(request(AFC_QUESTION, top5));

        assertThat(answer.text()).contains("Denver Broncos");
        assertThat(answer.usedSources()).isNotEmpty().isSubsetOf(top5);
    }

    @Test
    void findsTheAfcTeamOverAllSuperBowlParagraphs() {
        List<SourceChunk> all = new ArrayList<>();
        for (Squad.Paragraph p : Squad.superBowl50().paragraphs()) {
            all.add(RecordedRetrieval.chunk(p, 0.5));
        }

        assertThat(model.answer(request(AFC_QUESTION, all)).text()).contains("Denver Broncos");
    }

    @Test
    void picksTheSentenceWithTheRarestSharedTermsAndNamesItsSource() {
        SourceChunk geography = chunk("geo", "Paris is the capital of France. Berlin is the capital of Germany. "
                + "Madrid is the capital of Spain.");
        SourceChunk rivers = chunk("rivers", "The Rhine flows through Germany. The Seine flows through Paris.");

        ModelAnswer answer = model.answer(request("What is the capital of Germany?", List.of(geography, rivers)));

        assertThat(answer.text()).isEqualTo("Berlin is the capital of Germany.");
        assertThat(answer.usedSources()).containsExactly(geography);
        assertThat(answer.model()).isEqualTo("extractive");
    }

    @Test
    void addsTheRunnerUpWhenItScoresCloseAndLeavesItOutWhenNot() {
        SourceChunk a = chunk("a", "Tesla was born in Smiljan. Tesla moved to New York in 1884.");
        SourceChunk b = chunk("b", "In New York, Tesla moved into a hotel. Edison paid him little.");
        SourceChunk c = chunk("c", "Edison lived in New Jersey. He died in 1931.");

        ModelAnswer close = model.answer(request("When did Tesla move to New York?", List.of(a, b, c)));
        ModelAnswer alone = model.answer(request("When did Tesla move to New York?", List.of(a, c)));

        assertThat(close.text()).isEqualTo("Tesla moved to New York in 1884. In New York, Tesla moved into a hotel.");
        assertThat(close.usedSources()).containsExactly(a, b);
        assertThat(alone.text()).isEqualTo("Tesla moved to New York in 1884.");
        assertThat(alone.usedSources()).containsExactly(a);
    }

    @Test
    void prefersTheHigherRankedChunkOnEqualMatches() {
        SourceChunk first = chunk("first", "The bridge opened in 1932.");
        SourceChunk second = chunk("second", "The bridge opened in 1933.");

        assertThat(model.answer(request("When did the bridge open?", List.of(first, second))).text())
                .startsWith("The bridge opened in 1932.");
        assertThat(model.answer(request("When did the bridge open?", List.of(second, first))).text())
                .startsWith("The bridge opened in 1933.");
    }

    @Test
    void answersThatNothingWasFoundWithoutContext() {
        ModelAnswer answer = model.answer(request("Who won?", List.of()));

        assertThat(answer.text()).isEqualTo(ExtractiveAnswerModel.NO_CONTEXT_ANSWER);
        assertThat(answer.usedSources()).isEmpty();
    }

    @Test
    void fallsBackToTheTopChunksFirstSentenceWhenNothingMatches() {
        SourceChunk top = chunk("top", "Alpha beta gamma. Delta epsilon.");

        assertThat(model.answer(request("Who won the cup?", List.of(top))).text()).isEqualTo("Alpha beta gamma.");
    }

    @Test
    void estimatesTokenUsageAtFourCharactersPerToken() {
        SourceChunk only = chunk("only", "Berlin is the capital of Germany.");
        String question = "What is the capital of Germany?";

        ModelAnswer answer = model.answer(request(question, List.of(only)));

        assertThat(answer.usage().estimated()).isTrue();
        assertThat(answer.usage().promptTokens()).isEqualTo((question.length() + only.text().length() + 3) / 4);
        assertThat(answer.usage().completionTokens()).isEqualTo((answer.text().length() + 3) / 4);
    }

    @Test
    void countsARepeatedSentenceFromOverlappingChunksOnce() {
        SourceChunk a = chunk("a", "Oslo is the capital of Norway. It lies on a fjord.");
        SourceChunk b = chunk("b", "It lies on a fjord. Oslo is the capital of Norway.");

        assertThat(model.answer(request("What is the capital of Norway?", List.of(a, b))).text())
                .isEqualTo("Oslo is the capital of Norway.");
    }

    static AnswerRequest request(String question, List<SourceChunk> chunks) {
        return new AnswerRequest(question, chunks, new RenderedPrompt("qa-answer", "1.0.0", "", "unused"),
                Variant.AUTO_MODEL, Duration.ofSeconds(1));
    }

    static SourceChunk chunk(String id, String text) {
        return new SourceChunk(id, id + "#0", id, 0.5, text);
    }
}
