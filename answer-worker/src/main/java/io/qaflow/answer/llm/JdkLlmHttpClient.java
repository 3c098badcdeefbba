package io.qaflow.answer.llm;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * langchain4j's HTTP client SPI over the JDK client, for two things langchain4j's own JDK client does not give:
 * a non-2xx answer keeps its {@code Retry-After} (in {@link LlmHttpException}), and one shared connection pool
 * serves clients that differ only in their read timeout, so every call can get its own time limit.
 *
 * <p>The read timeout bounds the whole blocking call, response body included. The JDK request timeout alone would
 * not: on Java 25 it only runs until the response headers arrive (JDK-8208693), so an endpoint that sends headers
 * and then stalls the body would block forever. The call therefore waits on {@code sendAsync} for at most the read
 * timeout and then cancels the exchange ({@code cancel(true)} aborts it and closes its connection). An interrupted
 * caller abandons the call the same way. The streaming variant is not bounded this way; the worker does not use it.
 */
final class JdkLlmHttpClient implements HttpClient {
    private static final int MAX_ERROR_BODY = 2_000;

    private final java.net.http.HttpClient delegate;
    private final Duration readTimeout;
    private final Clock clock;

    JdkLlmHttpClient(java.net.http.HttpClient delegate, Duration readTimeout, Clock clock) {
        this.delegate = delegate;
        this.readTimeout = readTimeout;
        this.clock = clock;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        CompletableFuture<HttpResponse<String>> exchange =
                delegate.sendAsync(toJdkRequest(request), BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = exchange.get(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            exchange.cancel(true);
            throw new TimeoutException(new HttpTimeoutException("no complete response within " + readTimeout));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException("LLM call interrupted");
            cancelled.initCause(e);
            throw cancelled;
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
        if (response.statusCode() < 200 || response.statusCode() >= 300) {
            throw failure(response, response.body());
        }
        return SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .body(response.body())
                .build();
    }

    private static RuntimeException unwrap(Throwable cause) {
        return switch (cause) {
            case HttpTimeoutException timeout -> new TimeoutException(timeout);
            case IOException io -> new UncheckedIOException(io);
            case RuntimeException runtime -> runtime;
            case Error error -> throw error;
            default -> new IllegalStateException(cause);
        };
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        delegate.sendAsync(toJdkRequest(request), BodyHandlers.ofInputStream())
                .thenAccept(response -> {
                    if (response.statusCode() < 200 || response.statusCode() >= 300) {
                        listener.onError(failure(response, readSome(response.body())));
                        return;
                    }
                    listener.onOpen(SuccessfulHttpResponse.builder()
                            .statusCode(response.statusCode())
                            .headers(response.headers().map())
                            .build());
                    try (InputStream body = response.body()) {
                        parser.parse(body, listener);
                        listener.onClose();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                })
                .exceptionally(error -> {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    listener.onError(cause instanceof HttpTimeoutException ? new TimeoutException(cause) : cause);
                    return null;
                });
    }

    private LlmHttpException failure(HttpResponse<?> response, String body) {
        String shortBody = body == null ? "" : body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY)
                : body;
        return new LlmHttpException(response.statusCode(), shortBody,
                RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock));
    }

    private java.net.http.HttpRequest toJdkRequest(HttpRequest request) {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(readTimeout);
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        builder.method(request.method().name(), request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        return builder.build();
    }

    private static String readSome(InputStream body) {
        try (body) {
            return new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
