package io.qaflow.answer.extractive;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.SourceChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuestionTermsTest {

    @Test
    void findsTheAnswerTypeAfterTheWhWord() {
        assertThat(QuestionTerms.answerTypeTerms("Which NFL team represented the AFC at Super Bowl 50?"))
                .containsExactlyInAnyOrder("nfl", "team");
        assertThat(QuestionTerms.answerTypeTerms("How many touchdowns did Newton score?"))
                .containsExactly("touchdown");
        assertThat(QuestionTerms.answerTypeTerms("What team won Super Bowl 50?")).containsExactly("team");
        assertThat(QuestionTerms.answerTypeTerms("What is the capital of France?")).isEmpty();
        assertThat(QuestionTerms.answerTypeTerms("Who won Super Bowl 50?")).isEmpty();
    }

    @Test
    void weighsAnswerTypeAndTopicTermsDown() {
        SourceChunk chunk = new SourceChunk("d", "d#0", "Super Bowl 50", 0.9, "text");

        assertThat(QuestionTerms.weights("Which NFL team represented the AFC at Super Bowl 50?", List.of(chunk)))
                .containsEntry("afc", 1.0)
                .containsEntry("represent", 1.0)
                .containsEntry("team", QuestionTerms.ANSWER_TYPE_WEIGHT)
                .containsEntry("bowl", QuestionTerms.TOPIC_WEIGHT)
                .containsEntry("50", QuestionTerms.TOPIC_WEIGHT);
    }
}
