package io.qaflow.answer.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplySenderContext;
import io.qaflow.answer.model.AnswerModel;
import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.LlmCallException;
import io.qaflow.answer.model.ModelAnswer;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.prompt.RenderedPrompt;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Answers through any OpenAI-compatible chat endpoint with langchain4j's {@link OpenAiChatModel}. langchain4j's
 * own retries are off (resilience is the caller's job); each call gets a chat model whose timeout is the request's
 * time limit, over one shared connection pool. Failures come out as {@link LlmCallException}s with the HTTP status
 * and {@code Retry-After}.
 */
public final class OpenAiAnswerModel implements AnswerModel, AutoCloseable {
    private final OpenAiSettings settings;
    private final java.net.http.HttpClient http;
    private final Clock clock;
    private final ObservationRegistry observations;

    public OpenAiAnswerModel(OpenAiSettings settings, Clock clock) {
        this(settings, clock, ObservationRegistry.NOOP);
    }

    /** @param observations each call is a client span {@code qa.llm.call} of the request's trace */
    public OpenAiAnswerModel(OpenAiSettings settings, Clock clock, ObservationRegistry observations) {
        this.settings = settings;
        this.clock = clock;
        this.observations = observations;
        this.http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    @Override
    public String name() {
        return settings.model();
    }

    @Override
    public ModelAnswer answer(AnswerRequest request) {
        String model = request.modelOr(settings.model());
        OpenAiChatModel chat = OpenAiChatModel.builder()
                .httpClientBuilder(new JdkLlmHttpClientBuilder(http, clock))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(model)
                .maxTokens(settings.maxTokens())
                .temperature(request.temperatureOr(settings.temperature()))
                .timeout(request.timeLimit())
                .maxRetries(0)
                .build();
        ChatResponse response;
        Observation call = Observation.createNotStarted("qa.llm.call",
                        () -> new RequestReplySenderContext<Object, Object>((carrier, key, value) -> { },
                                Kind.CLIENT), observations)
                .contextualName("llm " + model)
                .lowCardinalityKeyValue("model", model)
                .lowCardinalityKeyValue("server.address", URI.create(settings.baseUrl()).getHost())
                .start();
        try (Observation.Scope scope = call.openScope()) {
            response = chat.chat(ChatRequest.builder().messages(messages(request.prompt())).build());
        } catch (RuntimeException e) {
            LlmCallException failure = classify(e);
            call.error(failure);
            throw failure;
        } finally {
            call.stop();
        }
        String text = response.aiMessage() == null ? null : response.aiMessage().text();
        if (text == null || text.isBlank()) {
            throw new LlmCallException(LlmCallException.Kind.EMPTY_ANSWER, 200, null,
                    "the model returned an empty answer", null);
        }
        return new ModelAnswer(text.strip(), request.chunks(), usage(response, request.prompt(), text), model);
    }

    private static List<ChatMessage> messages(RenderedPrompt prompt) {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (!prompt.system().isBlank()) {
            messages.add(SystemMessage.from(prompt.system()));
        }
        messages.add(UserMessage.from(prompt.user()));
        return messages;
    }

    private static TokenUsage usage(ChatResponse response, RenderedPrompt prompt, String text) {
        dev.langchain4j.model.output.TokenUsage reported = response.tokenUsage();
        if (reported != null && reported.inputTokenCount() != null && reported.outputTokenCount() != null) {
            return new TokenUsage(reported.inputTokenCount(), reported.outputTokenCount(), false);
        }
        return new TokenUsage((prompt.system().length() + prompt.user().length() + 3) / 4, (text.length() + 3) / 4,
                true);
    }

    /** The failure as the resilience layer needs it: status, Retry-After, and whether it is a timeout. */
    static LlmCallException classify(RuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LlmHttpException http) {
                return LlmCallException.forStatus(http.statusCode(), http.retryAfter().orElse(null),
                        "LLM endpoint answered " + http.statusCode() + ": " + http.getMessage(), failure);
            }
            if (t instanceof dev.langchain4j.exception.TimeoutException || t instanceof HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return new LlmCallException(LlmCallException.Kind.TIMEOUT, 0, null, "LLM call timed out", failure);
            }
            if (t instanceof CancellationException || t instanceof InterruptedException) {
                return new LlmCallException(LlmCallException.Kind.CANCELLED, 0, null, "LLM call abandoned", failure);
            }
            if (t instanceof ConnectException || t instanceof UnresolvedModelServerException) {
                return new LlmCallException(LlmCallException.Kind.CONNECTION, 0, null,
                        "cannot reach the LLM endpoint: " + t.getMessage(), failure);
            }
        }
        boolean io = false;
        for (Throwable t = failure; t != null && !io; t = t.getCause() == t ? null : t.getCause()) {
            io = t instanceof IOException;
        }
        return new LlmCallException(io ? LlmCallException.Kind.CONNECTION : LlmCallException.Kind.OTHER, 0, null,
                "LLM call failed: " + failure, failure);
    }

    @Override
    public void close() {
        http.close();
    }
}
