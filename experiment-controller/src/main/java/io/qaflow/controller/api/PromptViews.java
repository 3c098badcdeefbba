package io.qaflow.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.qaflow.controller.prompt.PromptRegistry.Entry;
import io.qaflow.controller.prompt.PromptRegistry.Registration;
import io.qaflow.model.PromptVersion;
import java.time.Instant;
import java.util.List;

/** The prompt API's response bodies. */
final class PromptViews {
    private PromptViews() {}

    /** {@code GET /v1/prompts}: a name, its default version and its versions (ascending). */
    record Summary(String name, String defaultVersion, List<String> versions) {
        static Summary of(Entry entry) {
            return new Summary(entry.name(), entry.defaultVersion(),
                    entry.versions().stream().map(PromptVersion::version).toList());
        }
    }

    /** {@code GET /v1/prompts/{name}}: the versions with their metadata, and which one is the default. */
    record Detail(String name, String defaultVersion, List<VersionInfo> versions) {
        static Detail of(Entry entry) {
            return new Detail(entry.name(), entry.defaultVersion(), entry.versions().stream()
                    .map(v -> new VersionInfo(v.version(), v.version().equals(entry.defaultVersion()), v.createdAt(),
                            v.author(), v.description(), v.estimatedTokens())).toList());
        }
    }

    record VersionInfo(String version, boolean isDefault, Instant createdAt, String author, String description,
                       int estimatedTokens) {}

    /**
     * One version with its texts ({@code GET /v1/prompts/{name}/{version}}); after a registration also whether it was
     * created (false: the same texts were registered before) and whether it became the name's default.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Version(String name, String version, String key, boolean isDefault, String defaultVersion, String system,
                   String user, Instant createdAt, String author, String description, int estimatedTokens,
                   Boolean created, Boolean madeDefault) {
        static Version of(PromptVersion v, String defaultVersion) {
            return new Version(v.name(), v.version(), PromptVersion.versionKey(v.name(), v.version()),
                    v.version().equals(defaultVersion), defaultVersion, v.system(), v.user(), v.createdAt(),
                    v.author(), v.description(), v.estimatedTokens(), null, null);
        }

        static Version of(Registration r) {
            Version v = of(r.version(), r.defaultVersion());
            return new Version(v.name, v.version, v.key, v.isDefault, v.defaultVersion, v.system, v.user, v.createdAt,
                    v.author, v.description, v.estimatedTokens, r.created(), r.madeDefault());
        }
    }
}
