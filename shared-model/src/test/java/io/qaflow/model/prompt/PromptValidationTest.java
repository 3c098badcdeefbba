package io.qaflow.model.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.model.PromptVersion;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PromptValidationTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void acceptsTheBuiltInPromptAndAVersionUsingBothVariables() {
        assertThat(PromptValidation.problems(QaPrompt.V1_0_0)).isEmpty();
        PromptVersion version = version("Answer in one word.", "Passages:\n{{ context }}\n\nQ: {{question}}");

        PromptTemplate template = PromptValidation.validate(version);

        assertThat(template).isEqualTo(new PromptTemplate("qa-answer", "1.1.0", "Answer in one word.",
                "Passages:\n{{ context }}\n\nQ: {{question}}"));
        assertThat(PromptValidation.providedVariables()).containsExactly("context", "question");
    }

    @Test
    void rejectsAVariableTheWorkerDoesNotProvideNamingIt() {
        PromptVersion version = version("You talk to {{user_name}}.", "{{context}}\nQuestion: {{question}}");

        assertThatThrownBy(() -> PromptValidation.validate(version))
                .isInstanceOfSatisfying(InvalidPromptException.class, e -> {
                    assertThat(e.promptId()).isEqualTo("qa-answer@1.1.0");
                    assertThat(e.problems()).containsExactly("it uses {{user_name}}, which the answer worker does "
                            + "not provide (it provides {{context}} and {{question}})");
                })
                .hasMessage("prompt qa-answer@1.1.0 cannot be used by the answer worker: it uses {{user_name}}, "
                        + "which the answer worker does not provide (it provides {{context}} and {{question}})");
    }

    @Test
    void rejectsATemplateWithoutTheQuestionOrThePassages() {
        assertThatThrownBy(() -> PromptValidation.validate(version("", "Context: {{context}}")))
                .isInstanceOf(InvalidPromptException.class)
                .hasMessageContaining("it does not use {{question}}, so the model would never see the question");
        assertThatThrownBy(() -> PromptValidation.validate(version("", "Question: {{question}}")))
                .isInstanceOf(InvalidPromptException.class)
                .hasMessageContaining("it does not use {{context}}, so the model would never see the retrieved "
                        + "passages");
        assertThat(PromptValidation.problems(PromptTemplate.of(version("{{question}}", "Tell me."))))
                .as("every problem at once").hasSize(1)
                .first().asString().contains("{{context}}");
        assertThat(PromptValidation.problems(PromptTemplate.of(version("Hi {{name}}", "Tell me."))))
                .hasSize(3);
    }

    @Test
    void theVariablesMayBeInEitherMessage() {
        assertThat(PromptValidation.problems(PromptTemplate.of(version("Passages: {{context}}", "{{question}}"))))
                .isEmpty();
    }

    @Test
    void rejectsAMalformedPlaceholderThatWouldReachTheModelVerbatim() {
        assertThatThrownBy(() -> PromptValidation.validate(
                version("Mind {{ the-rules }}.", "{{context}}\nQuestion: {{question}}")))
                .isInstanceOfSatisfying(InvalidPromptException.class, e -> assertThat(e.problems())
                        .containsExactly("its system message has a malformed placeholder (a placeholder is {{name}} "
                                + "with letters, digits and _): \"Mind {{ the-rules }}.\""));
        assertThatThrownBy(() -> PromptValidation.validate(version("", "{{context}}\nQuestion: {{question}")))
                .isInstanceOf(InvalidPromptException.class)
                .hasMessageContaining("its user message has a malformed placeholder");
        assertThat(PromptValidation.problems(PromptTemplate.of(
                version("Reply as JSON: {\"answer\": \"...\"}", "{{context}}\nQuestion: {{question}}"))))
                .as("single braces are text").isEmpty();
    }

    private static PromptVersion version(String system, String user) {
        return PromptVersion.of("qa-answer", "1.1.0", system, user, "user:test", "a test version", 40, NOW);
    }
}
