package io.qaflow.answer.llm;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds {@link JdkLlmHttpClient}s over one shared JDK client. langchain4j sets the timeouts on the builder it is
 * given before building, so every model instance gets a fresh builder; the connect timeout belongs to the shared
 * client and is fixed.
 */
final class JdkLlmHttpClientBuilder implements HttpClientBuilder {
    private final java.net.http.HttpClient shared;
    private final Clock clock;
    private Duration connectTimeout;
    private Duration readTimeout;

    JdkLlmHttpClientBuilder(java.net.http.HttpClient shared, Clock clock) {
        this.shared = shared;
        this.clock = clock;
        this.connectTimeout = shared.connectTimeout().orElse(null);
    }

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    @Override
    public HttpClient build() {
        if (readTimeout == null) {
            throw new IllegalStateException("a read timeout is required");
        }
        return new JdkLlmHttpClient(shared, readTimeout, clock);
    }
}
