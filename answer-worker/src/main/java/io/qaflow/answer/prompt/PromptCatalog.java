package io.qaflow.answer.prompt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The prompt templates this worker knows, by name and version. */
public final class PromptCatalog {
    private final Map<String, PromptTemplate> templates = new LinkedHashMap<>();
    private final PromptTemplate fallback;

    /** @param templates the known templates; the first is used for requests naming an unknown one */
    public PromptCatalog(List<PromptTemplate> templates) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("a prompt catalog needs at least one template");
        }
        for (PromptTemplate t : templates) {
            if (this.templates.putIfAbsent(t.id(), t) != null) {
                throw new IllegalArgumentException("prompt " + t.id() + " is defined twice");
            }
        }
        this.fallback = templates.getFirst();
    }

    public static PromptCatalog builtIn() {
        return new PromptCatalog(List.of(QaPrompt.V1_0_0));
    }

    public Optional<PromptTemplate> find(String name, String version) {
        return Optional.ofNullable(templates.get(name + "@" + version));
    }

    public PromptTemplate fallback() {
        return fallback;
    }
}
