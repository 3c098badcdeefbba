package io.qaflow.model.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptRendererTest {
    private final PromptRenderer renderer = new PromptRenderer();

    @Test
    void theBuiltInTemplateIsTheDefaultVariantsPrompt() {
        assertThat(QaPrompt.V1_0_0.name()).isEqualTo(Variant.DEFAULT_PROMPT);
        assertThat(QaPrompt.V1_0_0.version()).isEqualTo(Variant.DEFAULT_PROMPT_VERSION);
        assertThat(QaPrompt.V1_0_0.variables()).containsExactly("context", "question");
    }

    @Test
    void rendersTheQuestionAndNumberedChunksInRankOrder() {
        List<SourceChunk> chunks = List.of(
                new SourceChunk("a", "a#0", "A", 0.9, "First chunk,\nwith a line break."),
                new SourceChunk("b", "b#0", "B", 0.5, "Second chunk."));

        RenderedPrompt prompt = renderer.render(QaPrompt.V1_0_0, QaPrompt.variables(" Who? ", chunks));

        assertThat(prompt.user()).isEqualTo("""
                Context:
                [1] First chunk, with a line break.
                [2] Second chunk.

                Question: Who?""");
        assertThat(prompt.system()).contains("only the numbered context passages");
        assertThat(prompt.templateName()).isEqualTo("qa-answer");
        assertThat(prompt.templateVersion()).isEqualTo("1.0.0");
    }

    @Test
    void failsNamingEveryMissingVariable() {
        assertThatThrownBy(() -> renderer.render(QaPrompt.V1_0_0, Map.of("question", "Who?")))
                .isInstanceOf(MissingPromptVariableException.class)
                .hasMessageContaining("qa-answer@1.0.0")
                .hasMessageContaining("[context]");
        assertThatThrownBy(() -> renderer.render(QaPrompt.V1_0_0, Map.of()))
                .isInstanceOfSatisfying(MissingPromptVariableException.class,
                        e -> assertThat(e.missing()).containsExactlyInAnyOrder("question", "context"));
    }

    @Test
    void insertsValuesVerbatimWithoutExpandingThemAgain() {
        PromptTemplate template = new PromptTemplate("t", "1", "", "Q: {{ question }} $1 \\");

        assertThat(renderer.render(template, Map.of("question", "{{question}} costs $5")).user())
                .isEqualTo("Q: {{question}} costs $5 $1 \\");
    }

    @Test
    void saysSoWhenThereIsNoContext() {
        assertThat(QaPrompt.variables("Who?", List.of())).containsEntry("context", "(no passages were found)");
    }
}
