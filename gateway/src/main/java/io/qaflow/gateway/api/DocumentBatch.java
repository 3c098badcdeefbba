package io.qaflow.gateway.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of {@code POST /v1/documents} with several documents (a single document object is accepted too). */
@Schema(name = "DocumentBatch")
public record DocumentBatch(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
        @NotNull(message = "is required")
        @Size(min = 1, max = MAX_DOCUMENTS, message = "must hold 1 to 1000 documents")
        List<@NotNull(message = "must be a document object") @Valid DocumentInput> documents) {

    public static final int MAX_DOCUMENTS = 1000;
}
