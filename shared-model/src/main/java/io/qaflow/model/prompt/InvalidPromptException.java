package io.qaflow.model.prompt;

import java.util.List;

/** A prompt version the answer worker could not render; {@link #problems()} says why, one sentence each. */
public final class InvalidPromptException extends IllegalArgumentException {
    private final String promptId;
    private final List<String> problems;

    InvalidPromptException(String promptId, List<String> problems) {
        super("prompt " + promptId + " cannot be used by the answer worker: " + String.join("; ", problems));
        this.promptId = promptId;
        this.problems = List.copyOf(problems);
    }

    /** {@code name@version} */
    public String promptId() {
        return promptId;
    }

    public List<String> problems() {
        return problems;
    }
}
