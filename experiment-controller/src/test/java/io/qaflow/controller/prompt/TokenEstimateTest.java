package io.qaflow.controller.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.prompt.QaPrompt;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

    @Test
    void aboutFourCharactersPerToken() {
        assertThat(TokenEstimate.ofMessage("abcdefghijklmnop")).isEqualTo(4); // 16 characters, one word
        assertThat(TokenEstimate.ofMessage("abcdefghijklmnopq")).isEqualTo(5); // rounded up
    }

    @Test
    void neverFewerTokensThanWords() {
        assertThat(TokenEstimate.ofMessage("a b c d e f")).isEqualTo(6); // 11 characters would say 3
    }

    @Test
    void placeholdersAndSurroundingWhitespaceAreLeftOut() {
        assertThat(TokenEstimate.ofMessage("  Question:   {{question}}\n\n{{ context }}  ")).isEqualTo(3);
        assertThat(TokenEstimate.ofMessage("{{question}} {{context}}")).isZero();
        assertThat(TokenEstimate.ofMessage("")).isZero();
        assertThat(TokenEstimate.ofMessage(null)).isZero();
    }

    @Test
    void theTwoMessagesAreAdded() {
        assertThat(TokenEstimate.of("Be brief.", "Question: {{question}}")).isEqualTo(3 + 3);
        assertThat(TokenEstimate.of(QaPrompt.V1_0_0.system(), QaPrompt.V1_0_0.user()))
                .isBetween(50, 90); // about 270 characters of instructions
    }

    @Test
    void semanticVersionsOrderByNumberThenPreRelease() {
        assertThat(java.util.stream.Stream.of("1.10.0", "1.2.0", "1.2.0-rc.1", "0.9.9", "2.0.0")
                .sorted(SemanticVersions.ORDER).toList())
                .containsExactly("0.9.9", "1.2.0-rc.1", "1.2.0", "1.10.0", "2.0.0");
    }
}
