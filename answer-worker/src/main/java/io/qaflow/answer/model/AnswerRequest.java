package io.qaflow.answer.model;

import io.qaflow.model.prompt.RenderedPrompt;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.Variant;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One question to answer.
 *
 * @param question the user's question
 * @param chunks the retrieved context, best first
 * @param prompt the rendered prompt a language model is sent (the extractive answerer ignores it)
 * @param requestedModel the model the request's variant asks for; {@link Variant#AUTO_MODEL} for the configured one
 * @param timeLimit how long the model may take; a remote call is abandoned when it passes
 * @param temperature the sampling temperature the request's variant asks for; null for the configured one
 */
public record AnswerRequest(String question, List<SourceChunk> chunks, RenderedPrompt prompt, String requestedModel,
                            Duration timeLimit, Double temperature) {

    public AnswerRequest {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("question must not be blank");
        }
        chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
        Objects.requireNonNull(prompt, "prompt");
        requestedModel = requestedModel == null || requestedModel.isBlank() ? Variant.AUTO_MODEL : requestedModel;
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("timeLimit must be positive, was " + timeLimit);
        }
    }

    /** With the configured temperature. */
    public AnswerRequest(String question, List<SourceChunk> chunks, RenderedPrompt prompt, String requestedModel,
                         Duration timeLimit) {
        this(question, chunks, prompt, requestedModel, timeLimit, null);
    }

    public AnswerRequest withTimeLimit(Duration newTimeLimit) {
        return new AnswerRequest(question, chunks, prompt, requestedModel, newTimeLimit, temperature);
    }

    public AnswerRequest withTemperature(Double newTemperature) {
        return new AnswerRequest(question, chunks, prompt, requestedModel, timeLimit, newTemperature);
    }

    /** The temperature to call with: the requested one, or {@code configured} (null: the server's default). */
    public Double temperatureOr(Double configured) {
        return temperature != null ? temperature : configured;
    }

    /** The model to call: the requested one, or {@code configured} when the request says auto. */
    public String modelOr(String configured) {
        return Variant.AUTO_MODEL.equals(requestedModel) ? configured : requestedModel;
    }
}
