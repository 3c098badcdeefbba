package io.qaflow.model.prompt;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Fills a template's {@code {{variable}}} placeholders. Every placeholder must have a value (a missing one fails
 * with {@link MissingPromptVariableException} naming it, before anything is sent to a model); values are inserted
 * verbatim, so a value containing {@code {{...}}} is not expanded again.
 */
public final class PromptRenderer {

    public RenderedPrompt render(PromptTemplate template, Map<String, String> variables) {
        Set<String> missing = new LinkedHashSet<>();
        for (String name : template.variables()) {
            if (variables.get(name) == null) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingPromptVariableException(template, missing);
        }
        return new RenderedPrompt(template.name(), template.version(), fill(template.system(), variables),
                fill(template.user(), variables));
    }

    private static String fill(String text, Map<String, String> variables) {
        Matcher m = PromptTemplate.PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variables.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
