package io.qaflow.testkit.fakellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FakeAnswerRuleTest {

    @Test
    void picksTheContextSentenceSharingMostWordsWithTheQuestion() {
        String prompt = """
                Context:
                [1] Paris is the capital of France. Berlin is the capital of Germany.
                [2] The Rhine flows through Germany and the Netherlands.

                Question: What is the capital of Germany?
                """;

        assertThat(FakeAnswerRule.answer(prompt)).isEqualTo("Berlin is the capital of Germany.");
    }

    @Test
    void takesTheEarliestSentenceOnATie() {
        String prompt = "[1] Cats sleep a lot. Dogs sleep a lot.\nQuestion: Who sleeps a lot?";

        // "sleeps" is not "sleep": only "lot" is shared, by both sentences
        assertThat(FakeAnswerRule.answer(prompt)).isEqualTo("Cats sleep a lot.");
    }

    @Test
    void withoutAQuestionLineTheLastNonBlankLineIsTheQuestion() {
        String prompt = "Apples are red. Bananas are yellow.\nWhat colour are bananas?\n\n";

        assertThat(FakeAnswerRule.answer(prompt)).isEqualTo("Bananas are yellow.");
    }

    @Test
    void saysItDoesNotKnowWhenNothingOverlaps() {
        assertThat(FakeAnswerRule.answer("[1] Apples are red.\nQuestion: Who won the match?"))
                .isEqualTo(FakeAnswerRule.NO_ANSWER);
        assertThat(FakeAnswerRule.answer("")).isEqualTo(FakeAnswerRule.NO_ANSWER);
    }

    @Test
    void estimatesTokensFromCharacters() {
        assertThat(FakeAnswerRule.promptTokens(List.of("12345678", "1"))).isEqualTo(2 + 1 + 8);
        assertThat(FakeAnswerRule.completionTokens("")).isEqualTo(1);
        assertThat(FakeAnswerRule.completionTokens("123456789")).isEqualTo(3);
    }
}
