package io.qaflow.model.prompt;

import io.qaflow.model.PromptVersion;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned prompt: a system message and a user message with {@code {{variable}}} placeholders. A template is
 * identified by name and version; a changed text is a new version, never an edit of an old one.
 */
public record PromptTemplate(String name, String version, String system, String user) {
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z][a-zA-Z0-9_]*)\\s*}}");

    public PromptTemplate {
        requireText(name, "name");
        requireText(version, "version");
        Objects.requireNonNull(system, "system must not be null");
        requireText(user, "user");
    }

    /** The template of a registered prompt version (its texts as they are; see {@link PromptValidation}). */
    public static PromptTemplate of(PromptVersion version) {
        return new PromptTemplate(version.name(), version.version(), version.system(), version.user());
    }

    /** {@code name@version}, as logged and shown. */
    public String id() {
        return name + "@" + version;
    }

    /** The placeholder names the two messages use, in order of first appearance. */
    public Set<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        for (String text : new String[] {system, user}) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("prompt " + field + " must not be blank");
        }
    }
}
