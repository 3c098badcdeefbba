package io.qaflow.model.prompt;

import java.util.Set;

/** A template was rendered without a value for some of its placeholders. */
public final class MissingPromptVariableException extends IllegalArgumentException {
    private final Set<String> missing;

    MissingPromptVariableException(PromptTemplate template, Set<String> missing) {
        super("prompt " + template.id() + " needs " + missing + " but no value was given for "
                + (missing.size() == 1 ? "it" : "them"));
        this.missing = Set.copyOf(missing);
    }

    public Set<String> missing() {
        return missing;
    }
}
