package io.qaflow.controller.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /v1/experiments/{id}/complete}. */
public record CompleteRequest(@NotBlank String winner, @Size(max = 2000) String conclusion) {}
