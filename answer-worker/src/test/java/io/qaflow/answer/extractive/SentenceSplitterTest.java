package io.qaflow.answer.extractive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    @Test
    void splitsAtSentenceEndsFollowedByACapitalOrDigit() {
        assertThat(SentenceSplitter.split("It rained.  Then it snowed! Did it stop? 2016 was warm."))
                .containsExactly("It rained.", "Then it snowed!", "Did it stop?", "2016 was warm.");
    }

    @Test
    void keepsAbbreviationsAndInitialsInsideTheSentence() {
        assertThat(SentenceSplitter.split("Dr. Smith moved to the U.S. In 1990 he met J. R. Tolkien. It was fun."))
                .containsExactly("Dr. Smith moved to the U.S. In 1990 he met J. R. Tolkien.", "It was fun.");
    }

    @Test
    void keepsClosingQuotesWithTheirSentence() {
        assertThat(SentenceSplitter.split("He said \"stop.\" She left."))
                .containsExactly("He said \"stop.\"", "She left.");
    }

    @Test
    void doesNotSplitDecimalsOrLowercaseContinuations() {
        assertThat(SentenceSplitter.split("It cost 4.5 million dollars. e.g. it was costly."))
                .containsExactly("It cost 4.5 million dollars. e.g. it was costly.");
    }

    @Test
    void foldsWhiteSpaceAndIgnoresBlankText() {
        assertThat(SentenceSplitter.split("  One\nline.\n\nTwo. ")).containsExactly("One line.", "Two.");
        assertThat(SentenceSplitter.split("   ")).isEmpty();
    }
}
