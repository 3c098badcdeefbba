package io.qaflow.gateway.api;

import io.qaflow.model.Rating;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Locale;

/** The body of {@code POST /v1/requests/{id}/feedback}. */
@Schema(name = "FeedbackRequest")
public record FeedbackRequest(
        @Schema(description = "The caller's rating of the answer", allowableValues = {"up", "down"},
                requiredMode = Schema.RequiredMode.REQUIRED)
        @NotNull(message = "is required")
        @Pattern(regexp = "up|down", flags = Pattern.Flag.CASE_INSENSITIVE, message = "must be \"up\" or \"down\"")
        String rating) {

    public Rating toRating() {
        return Rating.valueOf(rating.toUpperCase(Locale.ROOT));
    }
}
