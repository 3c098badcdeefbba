package io.qaflow.model.prompt;

import io.qaflow.model.PromptVersion;
import io.qaflow.model.SourceChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the answer worker can render a prompt version: it renders it exactly as a request would be rendered, with
 * the variables the worker provides ({@link QaPrompt#variables}). A version is rejected when it uses a variable the
 * worker does not provide, when it does not use {@code {{question}}} or {{@code {{context}}}} (the model would never
 * see the question or the passages), or when a {@code {{...}}} is not a well-formed placeholder (it would reach the
 * model verbatim). Meant for the prompt registry, at registration: a bad version fails there with these reasons, not
 * at request time. Depends on the JDK and shared-model only.
 */
public final class PromptValidation {
    private static final Pattern LEFTOVER_BRACES = Pattern.compile(".{0,20}(\\{\\{|}}).{0,20}");
    private static final Map<String, String> SAMPLE = QaPrompt.variables("What is the sample question?",
            List.of(new SourceChunk("sample", "sample#0", "Sample", 1.0, "A sample passage.")));

    private PromptValidation() {}

    /** The variables the worker renders every prompt with. */
    public static Set<String> providedVariables() {
        return new TreeSet<>(SAMPLE.keySet());
    }

    /**
     * @return the version's template, ready for the catalog
     * @throws InvalidPromptException naming every problem, when the worker could not render it
     */
    public static PromptTemplate validate(PromptVersion version) {
        return validate(PromptTemplate.of(version));
    }

    /** @throws InvalidPromptException naming every problem, when the worker could not render the template */
    public static PromptTemplate validate(PromptTemplate template) {
        List<String> problems = problems(template);
        if (!problems.isEmpty()) {
            throw new InvalidPromptException(template.id(), problems);
        }
        return template;
    }

    /** Why the worker could not render the template; empty when it can. */
    public static List<String> problems(PromptTemplate template) {
        List<String> problems = new ArrayList<>();
        Set<String> used = template.variables();
        boolean renderable = true;
        for (String name : used) {
            if (!SAMPLE.containsKey(name)) {
                renderable = false;
                problems.add("it uses {{" + name + "}}, which the answer worker does not provide (it provides "
                        + placeholders(providedVariables()) + ")");
            }
        }
        for (String required : new TreeSet<>(SAMPLE.keySet()).descendingSet()) {
            if (!used.contains(required)) {
                problems.add("it does not use {{" + required + "}}, so the model would never see the "
                        + (required.equals(QaPrompt.QUESTION) ? "question" : "retrieved passages"));
            }
        }
        if (renderable) {
            RenderedPrompt rendered = new PromptRenderer().render(template, SAMPLE);
            leftover("system", rendered.system(), problems);
            leftover("user", rendered.user(), problems);
        }
        return problems;
    }

    private static void leftover(String message, String rendered, List<String> problems) {
        Matcher m = LEFTOVER_BRACES.matcher(rendered);
        if (m.find()) {
            problems.add("its " + message + " message has a malformed placeholder (a placeholder is {{name}} with "
                    + "letters, digits and _): \"" + m.group().strip() + "\"");
        }
    }

    private static String placeholders(Set<String> names) {
        return String.join(" and ", names.stream().map(n -> "{{" + n + "}}").toList());
    }
}
