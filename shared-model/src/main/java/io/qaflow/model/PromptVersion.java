package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One version of a named prompt, on the compacted {@code qa.prompts.v1}. A version is immutable: a changed text is a
 * new version. Keys: {@link #versionKey} ({@code name@version}) for each version, and {@link #defaultKey} ({@code name})
 * for the name's default, whose value is a copy of the default version's record — so a consumer sees the default's
 * content with one read, and moving the default (a rollback too) is one record.
 *
 * @param system the system message, with {@code {{variable}}} placeholders (may be empty)
 * @param user the user message, with {@code {{variable}}} placeholders
 * @param estimatedTokens tokens of the two messages without the variables, for cost estimates
 */
public record PromptVersion(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String name,
        String version,
        String system,
        String user,
        Instant createdAt,
        String author,
        String description,
        int estimatedTokens) implements Event {

    public static final int SCHEMA_VERSION = 1;
    private static final Pattern SEMVER = Pattern.compile("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public PromptVersion {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be lowercase letters, digits and '-' (at most 64), was "
                    + name);
        }
        notBlank(version, "version");
        if (!SEMVER.matcher(version).matches()) {
            throw new IllegalArgumentException("version must be a semantic version like 1.2.0, was " + version);
        }
        system = system == null ? "" : system;
        notBlank(user, "user");
        notNull(createdAt, "createdAt");
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimatedTokens must be >= 0");
        }
    }

    public static PromptVersion of(String name, String version, String system, String user, String author,
                                   String description, int estimatedTokens, Instant now) {
        return new PromptVersion(SCHEMA_VERSION, EventIds.random(), now, name, version, system, user, now, author,
                description, estimatedTokens);
    }

    public static String versionKey(String name, String version) {
        return name + "@" + version;
    }

    public static String defaultKey(String name) {
        return name;
    }

    /** Whether a record key names a version ({@code name@version}) rather than a name's default. */
    public static boolean isVersionKey(String key) {
        return key.indexOf('@') > 0;
    }

    /** This version as its name's default record (the same content, a new event). */
    public PromptVersion asDefault(Instant now) {
        return new PromptVersion(SCHEMA_VERSION, EventIds.random(), now, name, version, system, user, createdAt, author,
                description, estimatedTokens);
    }
}
