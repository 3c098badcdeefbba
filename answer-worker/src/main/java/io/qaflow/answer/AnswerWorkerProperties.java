package io.qaflow.answer;

import io.qaflow.answer.cost.ModelPrice;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Settings of the answer worker, under {@code qaflow.answer.*}. */
@Validated
@ConfigurationProperties("qaflow.answer")
public record AnswerWorkerProperties(
        @Valid @DefaultValue Consumer consumer,
        @Valid @DefaultValue Prompts prompts,
        @Valid @DefaultValue Llm llm,
        @Valid @DefaultValue Resilience resilience,
        @Valid @DefaultValue Extractive extractive,
        @NotNull @DefaultValue Map<String, @Valid ModelPrice> prices) {

    public AnswerWorkerProperties {
        prices = Map.copyOf(prices);
    }

    /**
     * The {@code qa.contexts.v1} consumer.
     *
     * @param maxInFlight records processed at the same time (each on its own virtual thread)
     * @param maxPollRecords records fetched per poll
     * @param pollTimeout how long one poll waits for records; also how often completed offsets are committed
     * @param shutdownTimeout how long a clean stop waits for in-flight records before giving them up for redelivery
     */
    public record Consumer(
            @DefaultValue("qa-answer-worker") @NotBlank String groupId,
            @DefaultValue("128") @Min(1) @Max(10_000) int maxInFlight,
            @DefaultValue("500") @Min(1) int maxPollRecords,
            @DefaultValue("100ms") @NotNull Duration pollTimeout,
            @DefaultValue("10s") @NotNull Duration shutdownTimeout) {}

    /**
     * The reader of the prompt registry ({@code qa.prompts.v1}).
     *
     * @param pollTimeout how long one poll of the registry waits for records
     * @param loadWait how long a request naming a version this worker does not know waits, while the registry is
     *     still being read at start, before it falls back to the built-in prompt (never past its deadline)
     * @param unknownVersionWait how long it waits for such a version once the registry has been read (it may have been
     *     published moments ago), before the fallback
     */
    public record Prompts(
            @DefaultValue("500ms") @NotNull Duration pollTimeout,
            @DefaultValue("5s") @NotNull Duration loadWait,
            @DefaultValue("1s") @NotNull Duration unknownVersionWait) {}

    /**
     * The OpenAI-compatible endpoint; with no {@code baseUrl} the extractive answerer answers every question.
     *
     * @param model the model asked for when a request's variant says {@code auto}
     * @param callTimeout the longest one LLM call may take (the request's deadline may cut it shorter)
     * @param deadlineReserve time kept back before the request's deadline for the fallback answer and publishing
     * @param minAttemptTime an LLM attempt is not started with less time than this left
     */
    public record Llm(
            String baseUrl,
            String apiKey,
            @DefaultValue("gpt-4o-mini") @NotBlank String model,
            @DefaultValue("30s") @NotNull Duration callTimeout,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("512") @Min(1) int maxTokens,
            Double temperature,
            @DefaultValue("300ms") @NotNull Duration deadlineReserve,
            @DefaultValue("100ms") @NotNull Duration minAttemptTime) {

        public boolean configured() {
            return baseUrl != null && !baseUrl.isBlank();
        }
    }

    public record Resilience(
            @Valid @DefaultValue CircuitBreaker circuitBreaker,
            @Valid @DefaultValue Retry retry,
            @Valid @DefaultValue Bulkhead bulkhead) {}

    /**
     * Opens after {@code consecutiveFailures} failures in a row, or when at least {@code failureRateThreshold} % of
     * the last {@code slidingWindowSize} calls failed; stays open {@code openDuration}, then lets
     * {@code halfOpenCalls} probes through.
     */
    public record CircuitBreaker(
            @DefaultValue("5") @Min(1) int consecutiveFailures,
            @DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
            @DefaultValue("20") @Min(1) int slidingWindowSize,
            @DefaultValue("60s") @NotNull Duration openDuration,
            @DefaultValue("3") @Min(1) int halfOpenCalls) {}

    /**
     * Attempts per request (the first included) for 429, 5xx and timeouts; waits grow from {@code initialBackoff}
     * by {@code multiplier} up to {@code maxBackoff}, each varied by ±{@code jitter}; a {@code Retry-After} header
     * replaces the computed wait.
     */
    public record Retry(
            @DefaultValue("3") @Min(1) int maxAttempts,
            @DefaultValue("1s") @NotNull Duration initialBackoff,
            @DefaultValue("30s") @NotNull Duration maxBackoff,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("0.5") @DecimalMin("0.0") @DecimalMax("1.0") double jitter) {}

    /** Concurrent LLM calls; a call that finds no slot within {@code maxWait} is answered by the fallback. */
    public record Bulkhead(
            @DefaultValue("128") @Min(1) int maxConcurrentCalls,
            @DefaultValue("1s") @NotNull Duration maxWait) {}

    /**
     * The built-in extractive answerer.
     *
     * @param modelName the model name its answers carry
     * @param secondSentenceRatio the runner-up sentence joins the answer when it scores at least this share of the
     *     best one
     * @param rankBonus score bonus of the top-ranked chunk's sentences (falls linearly to 0 for the last chunk)
     * @param contextWeight share of the preceding sentence's score a sentence inherits
     */
    public record Extractive(
            @DefaultValue("extractive") @NotBlank String modelName,
            @DefaultValue("0.8") @DecimalMin("0.0") @DecimalMax("1.0") double secondSentenceRatio,
            @DefaultValue("0.3") @DecimalMin("0.0") double rankBonus,
            @DefaultValue("0.3") @DecimalMin("0.0") @DecimalMax("1.0") double contextWeight) {}
}
