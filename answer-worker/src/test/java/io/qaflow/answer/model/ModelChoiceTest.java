package io.qaflow.answer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.Variant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelChoiceTest {

    @Test
    void withAnLlmTheVariantsModelAnswersAndAutoMeansTheConfiguredOne() {
        ModelChoice choice = new ModelChoice(Optional.of("gpt-4o-mini"), "extractive");

        assertThat(choice.answering(Variant.AUTO_MODEL)).isEqualTo("gpt-4o-mini");
        assertThat(choice.answering("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(choice.autoModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void withoutAnLlmTheExtractiveAnswererAnswersEverything() {
        ModelChoice choice = new ModelChoice(Optional.empty(), "extractive");

        assertThat(choice.answering(Variant.AUTO_MODEL)).isEqualTo("extractive");
        assertThat(choice.answering("gpt-4o")).isEqualTo("extractive");
        assertThat(choice.autoModel()).isEqualTo("extractive");
    }
}
