package io.qaflow.gateway.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The body of {@code POST /v1/ask} and {@code POST /v1/requests}. The question is trimmed before it is checked. */
@Schema(name = "AskRequest", description = "A question for the pipeline")
public record AskRequest(
        @Schema(description = "The question, 1 to 4000 characters after trimming",
                requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, maxLength = MAX_QUESTION_CHARS,
                example = "Which NFL team represented the AFC at Super Bowl 50?")
        @NotNull(message = "is required")
        @Size(min = 1, max = MAX_QUESTION_CHARS, message = "must be 1 to 4000 characters after trimming")
        String question,

        @Schema(description = "Who asks (optional, at most 128 characters)", maxLength = 128)
        @Size(min = 1, max = 128, message = "must be 1 to 128 characters")
        String userId,

        @Schema(description = "How many chunks to retrieve (1 to 50; default 5)", minimum = "1", maximum = "50")
        @Min(value = 1, message = "must be between 1 and 50")
        @Max(value = 50, message = "must be between 1 and 50")
        Integer topK,

        @Schema(description = "How long POST /v1/ask waits for the answer before it answers 202 (100 to 120000 ms);"
                + " also the least time the request is given to finish", minimum = "100", maximum = "120000")
        @Min(value = 100, message = "must be between 100 and 120000")
        @Max(value = 120_000, message = "must be between 100 and 120000")
        Integer timeoutMs) {

    public static final int MAX_QUESTION_CHARS = 4000;

    public AskRequest {
        question = question == null ? null : question.strip();
    }

    /** Identifies the request's content, to tell a retry (same body) from a reused Idempotency-Key. */
    public String fingerprint() {
        String canonical = String.join("\u0000", question, String.valueOf(userId), String.valueOf(topK),
                String.valueOf(timeoutMs));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
