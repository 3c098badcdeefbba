package io.qaflow.model.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.qaflow.model.Variant;
import org.junit.jupiter.api.Test;

class AnswerCacheKeyTest {
    private static final Variant DEFAULTS = Variant.defaults(5);

    @Test
    void questionsDifferingOnlyInCasePunctuationAndSpacingShareAKey() {
        assertThat(AnswerCacheKey.normalize("  What is   the Super Bowl? ")).isEqualTo("what is the super bowl");
        assertThat(AnswerCacheKey.normalize("Ｗhat is the SUPER-BOWL!")).isEqualTo("what is the super bowl");
        assertThat(AnswerCacheKey.of("Who won Super Bowl 50?", "c1", DEFAULTS, "m").digest())
                .isEqualTo(AnswerCacheKey.of("who won super bowl 50", "c1", DEFAULTS, "m").digest());
    }

    @Test
    void everyVersionTheAnswerDependsOnChangesTheKey() {
        String base = AnswerCacheKey.of("Who won?", "c1", DEFAULTS, "m").digest();
        Variant otherPrompt = new Variant("default", "control", "qa-answer", "2.0.0", "auto", 5);
        Variant otherPromptName = new Variant("default", "control", "qa-terse", "1.0.0", "auto", 5);

        assertThat(AnswerCacheKey.of("Who won?", "c2", DEFAULTS, "m").digest()).isNotEqualTo(base);
        assertThat(AnswerCacheKey.of("Who won?", "c1", otherPrompt, "m").digest()).isNotEqualTo(base);
        assertThat(AnswerCacheKey.of("Who won?", "c1", otherPromptName, "m").digest()).isNotEqualTo(base);
        assertThat(AnswerCacheKey.of("Who won?", "c1", DEFAULTS, "m2").digest()).isNotEqualTo(base);
        assertThat(AnswerCacheKey.of("Who won?", "c1", DEFAULTS.withTopK(6), "m").digest()).isNotEqualTo(base);
        assertThat(AnswerCacheKey.of("Who lost?", "c1", DEFAULTS, "m").digest()).isNotEqualTo(base);
        Variant warm = new Variant(DEFAULTS.experimentId(), DEFAULTS.variant(), DEFAULTS.promptName(),
                DEFAULTS.promptVersion(), DEFAULTS.model(), DEFAULTS.topK(), 0.9);
        assertThat(AnswerCacheKey.of("Who won?", "c1", warm, "m").digest()).isNotEqualTo(base);
        assertThat(AnswerCacheKey.of("Who won?", "c1", warm, "m").withQuestion("who lost").temperature())
                .isEqualTo(0.9);
    }

    @Test
    void theContextDigestIgnoresTheQuestionAndTheExperimentArmName() {
        Variant otherArm = new Variant("exp-1", "treatment", "qa-answer", "1.0.0", "auto", 5);
        assertThat(AnswerCacheKey.of("Who won?", "c1", DEFAULTS, "m").contextDigest())
                .isEqualTo(AnswerCacheKey.of("Who lost?", "c1", otherArm, "m").contextDigest());
    }

    @Test
    void theKeyNeedsTheModelThatAnswers() {
        assertThatIllegalArgumentException().isThrownBy(() -> AnswerCacheKey.of("q", "c1", DEFAULTS, "auto"));
    }
}
