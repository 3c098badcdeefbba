package io.qaflow.controller.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/experiments}.
 *
 * @param allocation {@code "50/50"}, {@code "80/20"}, {@code "95/5"} (control's share first; the treatments share the
 *     rest evenly), one share per arm ({@code "50/25/25"}), or an array of positive weights, control first; absent =
 *     equal shares
 * @param primaryMetric an {@link io.qaflow.model.ExperimentMetric} name (case-insensitive); absent = SUCCESS_RATE
 * @param allocationMode {@code fixed} (absent) or {@code bandit}: Thompson sampling moves the weights towards the best
 *     arm on the primary metric, which must then be a rate; the allocation is the starting split
 * @param banditFloor in bandit mode, the least share every arm keeps (default 0.05); above 0 (an arm without traffic
 *     stops learning, and a weight of 0 is not an allocation), and arms x floor must stay below 1
 */
public record CreateExperimentRequest(
        @NotBlank @Size(max = 60) String name,
        @NotNull @Valid ArmInput control,
        @NotEmpty @Size(max = 9) List<@NotNull @Valid ArmInput> treatments,
        JsonNode allocation,
        @PositiveOrZero Long targetSampleSize,
        @Positive Double minimumDetectableEffect,
        String primaryMetric,
        @Valid SuccessCriteriaInput successCriteria,
        @Size(max = 12) List<@NotNull @Valid GuardrailInput> guardrails,
        Boolean autoPromote,
        String allocationMode,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "0.5", inclusive = false) Double banditFloor) {

    public record ArmInput(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                    message = "must be 1-64 letters, digits, '.', '_' or '-'") String name,
            @NotBlank @Pattern(regexp = "\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?",
                    message = "must be a semantic version like 1.2.0") String promptVersion,
            @NotBlank @Size(max = 100) String model,
            @NotNull @Min(1) @Max(50) Integer topK,
            @DecimalMin("0") @DecimalMax("2") Double temperature) {}

    /**
     * @param minImprovement least relative improvement of the primary metric (0.02 = 2%)
     * @param maxCostIncreasePct largest tolerated cost increase per request, in percent (10 = 10%); absent = any
     * @param maxP95LatencyIncreasePct largest tolerated p95 latency increase, in percent; absent = any
     */
    public record SuccessCriteriaInput(
            @NotNull @PositiveOrZero Double minImprovement,
            @PositiveOrZero Double maxCostIncreasePct,
            @PositiveOrZero Double maxP95LatencyIncreasePct) {}

    /** @param relative maxWorsening as a fraction of control's value (default true) rather than in the metric's unit */
    public record GuardrailInput(@NotBlank String metric, @NotNull @PositiveOrZero Double maxWorsening,
                                 Boolean relative) {}
}
