package io.qaflow.controller.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /v1/experiments/{id}/rollback}. */
public record RollbackRequest(@NotBlank @Size(max = 2000) String reason) {}
