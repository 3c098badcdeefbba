package io.qaflow.controller.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /v1/prompts}: one version of a named prompt. {@code system} and {@code user} are templates
 * with {@code {{variable}}} placeholders; the answer worker provides {@code {{question}}} and {@code {{context}}}.
 */
public record RegisterPromptRequest(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}",
                message = "must be 1-64 lowercase letters, digits or '-'") String name,
        @NotBlank @Pattern(regexp = "\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?",
                message = "must be a semantic version like 1.2.0") String version,
        @Size(max = 20_000) String system,
        @NotBlank @Size(max = 20_000) String user,
        @Size(max = 100) String author,
        @Size(max = 500) String description) {}
