package io.qaflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.testkit.squad.Squad;
import org.junit.jupiter.api.Test;

class SquadTest {
    @Test
    void readsBothSubsetsWithTheirDocumentedCounts() {
        Squad squad = Squad.all();
        assertThat(squad.paragraphs()).hasSize(227);
        assertThat(squad.questions()).hasSize(810 + 1407);
        assertThat(squad.questions().stream().filter(Squad.Question::impossible)).hasSize(702);
        assertThat(Squad.superBowl50().answerableQuestions()).hasSize(810);
        assertThat(squad.paragraphs().stream().map(Squad.Paragraph::documentId).distinct()).hasSize(227);
    }
}
