package io.qaflow.answer.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnswerAgreementTest {

    @Test
    void normalisesLikeSquadBeforeComparing() {
        assertThat(AnswerAgreement.tokens("The  Denver Broncos!")).containsExactly("denver", "broncos");
        assertThat(AnswerAgreement.tokens("U.S. an apple, a pear")).containsExactly("us", "apple", "pear");
        assertThat(AnswerAgreement.f1("The Denver Broncos.", "denver broncos")).isEqualTo(1.0);
    }

    @Test
    void scoresSharedTokensAsTheHarmonicMeanOfPrecisionAndRecall() {
        // 3 shared tokens: 3 of 4 and 3 of 5
        assertThat(AnswerAgreement.f1("Berlin is Germany's capital.", "Berlin is the capital of Germany."))
                .isCloseTo(2.0 / 3.0, within(1e-12));
        // counted with multiplicity
        assertThat(AnswerAgreement.f1("berlin berlin", "berlin")).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(AnswerAgreement.f1("Madrid", "Berlin is the capital of Germany.")).isZero();
    }

    @Test
    void agreesFromHalfTheTokensOn() {
        assertThat(AnswerAgreement.f1("x y", "x z")).isEqualTo(0.5);
        assertThat(AnswerAgreement.agree("x y", "x z")).isTrue();
        assertThat(AnswerAgreement.agree("x y z", "x v w")).isFalse();
        assertThat(AnswerAgreement.agree("Berlin is Germany's capital.", "Berlin is the capital of Germany."))
                .isTrue();
        assertThat(AnswerAgreement.agree("Madrid", "Berlin")).isFalse();
    }

    @Test
    void answersWithNoTokensAgreeOnlyWithEachOther() {
        assertThat(AnswerAgreement.f1("The.", "?")).isEqualTo(1.0);
        assertThat(AnswerAgreement.f1("a", "Berlin")).isZero();
        assertThat(AnswerAgreement.f1(null, "Berlin")).isZero();
    }
}
