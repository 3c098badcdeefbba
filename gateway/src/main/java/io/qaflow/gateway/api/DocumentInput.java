package io.qaflow.gateway.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.Map;

/** One document of {@code POST /v1/documents}. Its id is the caller's; submitting it again replaces the document. */
@Schema(name = "Document")
public record DocumentInput(
        @Schema(description = "Stable id chosen by the caller: 1 to 256 characters of A-Z a-z 0-9 . _ : ( ) / -",
                requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID_PATTERN, example = "Super_Bowl_50-p0")
        @NotNull(message = "is required")
        @Pattern(regexp = ID_PATTERN, message = ID_RULE)
        String id,

        @Schema(description = "Title (at most 1000 characters)", maxLength = 1000)
        @Size(max = 1000, message = "must be at most 1000 characters")
        String title,

        @Schema(description = "The text, 1 to 100000 characters", requiredMode = Schema.RequiredMode.REQUIRED,
                maxLength = 100_000)
        @NotBlank(message = "is required and must not be blank")
        @Size(max = 100_000, message = "must be at most 100000 characters")
        String text,

        @Schema(description = "Scalar values (string, number, boolean), stored as strings")
        @ScalarMetadata
        Map<String, Object> metadata) {

    public static final String ID_PATTERN = "[A-Za-z0-9._:()/-]{1,256}";
    public static final String ID_RULE = "must be 1 to 256 characters of A-Z a-z 0-9 . _ : ( ) / -";

    /** The metadata as strings, in the order given. */
    public Map<String, String> metadataAsStrings() {
        Map<String, String> strings = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        }
        return strings;
    }
}
