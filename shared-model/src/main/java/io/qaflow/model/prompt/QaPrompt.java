package io.qaflow.model.prompt;

import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import java.util.List;
import java.util.Map;

/**
 * The built-in question-answering prompt ({@value Variant#DEFAULT_PROMPT} {@value Variant#DEFAULT_PROMPT_VERSION})
 * and the variables it is rendered with: the question and the retrieved chunks numbered {@code [1]..[k]} in rank
 * order.
 */
public final class QaPrompt {
    private QaPrompt() {}

    public static final PromptTemplate V1_0_0 = new PromptTemplate(Variant.DEFAULT_PROMPT,
            Variant.DEFAULT_PROMPT_VERSION,
            """
            You answer questions using only the numbered context passages you are given. \
            Answer in one or two sentences, with the exact names, numbers and dates found in the passages. \
            If the passages do not contain the answer, say that you don't know.""",
            """
            Context:
            {{context}}

            Question: {{question}}""");

    public static final String QUESTION = "question";
    public static final String CONTEXT = "context";

    /** Variables for {@code question} over {@code chunks}; each chunk is one line, newlines folded into spaces. */
    public static Map<String, String> variables(String question, List<SourceChunk> chunks) {
        StringBuilder context = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            if (i > 0) {
                context.append('\n');
            }
            context.append('[').append(i + 1).append("] ").append(chunks.get(i).text().replaceAll("\\s+", " ").strip());
        }
        if (chunks.isEmpty()) {
            context.append("(no passages were found)");
        }
        return Map.of(QUESTION, question.strip(), CONTEXT, context.toString());
    }
}
