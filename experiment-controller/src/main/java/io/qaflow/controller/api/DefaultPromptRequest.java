package io.qaflow.controller.api;

import jakarta.validation.constraints.NotBlank;

/** The body of {@code PUT /v1/prompts/{name}/default}: the registered version to make the default. */
public record DefaultPromptRequest(@NotBlank String version) {}
