package io.qaflow.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.gateway.api.ApiMetricsFilter;
import io.qaflow.web.FieldError;
import io.qaflow.web.ProblemException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class ApiKeyFilterTest {
    private static final String ASKER_SECRET = "asker-secret-0123456789";
    private static final String WRITER_SECRET = "writer-secret-0123456789";
    private static final ApiKeys KEYS = new ApiKeys(new AccessProperties(List.of(
            new AccessProperties.ApiKey("asker", ApiKeyHash.sha256Hex(ASKER_SECRET), null, null, null),
            new AccessProperties.ApiKey("writer", ApiKeyHash.sha256Hex(WRITER_SECRET), null, null,
                    Set.of(Scope.ASK, Scope.DOCUMENTS))), 60, null, null));

    private final ApiKeyFilter filter = new ApiKeyFilter(KEYS);

    /** Runs the filter; the chain records the exchange it was passed, so "passed" means the endpoint would run. */
    private static Outcome run(ApiKeyFilter filter, MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        WebFilterChain chain = next -> Mono.fromRunnable(() -> passed.set(next));
        AtomicReference<Throwable> error = new AtomicReference<>();
        filter.filter(exchange, chain).onErrorResume(e -> {
            error.set(e);
            return Mono.empty();
        }).block();
        return new Outcome(exchange, passed.get() != null, (ProblemException) error.get());
    }

    private record Outcome(MockServerWebExchange exchange, boolean passed, ProblemException problem) {}

    private Outcome post(String path, String... authorization) {
        MockServerHttpRequest.BodyBuilder request = MockServerHttpRequest.post(path);
        for (String value : authorization) {
            request.header(HttpHeaders.AUTHORIZATION, value);
        }
        return run(filter, request);
    }

    private static void assertUnauthorized(Outcome outcome, String wwwAuthenticate, String message) {
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.problem()).isNotNull();
        assertThat(outcome.problem().problem().status()).isEqualTo(401);
        assertThat(outcome.problem().problem().type()).endsWith(":unauthorized");
        assertThat(outcome.problem().problem().errors())
                .containsExactly(new FieldError("Authorization", message));
        assertThat(outcome.problem().headers().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(wwwAuthenticate);
        assertThat(outcome.exchange().<String>getAttribute(ApiMetricsFilter.OUTCOME)).isEqualTo("unauthorized");
        assertThat(Caller.of(outcome.exchange())).isEmpty();
    }

    @Test
    void aKnownKeyWithTheScopePassesAndNamesTheCaller() {
        Outcome asked = post("/v1/ask", "Bearer " + ASKER_SECRET);
        assertThat(asked.passed()).isTrue();
        assertThat(Caller.of(asked.exchange())).contains(new Caller("asker"));

        Outcome written = post("/v1/documents", "bearer   " + WRITER_SECRET + " ");
        assertThat(written.passed()).isTrue();
        assertThat(Caller.of(written.exchange())).contains(new Caller("writer"));
    }

    @Test
    void noKeyIsA401AskingForBearer() {
        assertUnauthorized(post("/v1/ask"), "Bearer realm=\"qaflow\"",
                "an API key is required: send Authorization: Bearer <key>");
        assertUnauthorized(post("/v1/ask", "Basic dXNlcjpwYXNz"), "Bearer realm=\"qaflow\"",
                "must be Bearer <key>");
        assertUnauthorized(post("/v1/ask", "Bearer"), "Bearer realm=\"qaflow\"", "must be Bearer <key>");
    }

    @Test
    void aWrongOrMalformedKeyIsA401InvalidToken() {
        String invalid = "Bearer realm=\"qaflow\", error=\"invalid_token\"";
        assertUnauthorized(post("/v1/ask", "Bearer not-a-known-key"), invalid, "is not a valid API key");
        assertUnauthorized(post("/v1/ask", "Bearer " + ApiKeyHash.sha256Hex(ASKER_SECRET)), invalid,
                "is not a valid API key");
        assertUnauthorized(post("/v1/ask", "Bearer two words"), invalid, "is not a well-formed Bearer token");
        assertUnauthorized(post("/v1/ask", "Bearer " + "x".repeat(10_000)), invalid,
                "is not a well-formed Bearer token");
        assertUnauthorized(post("/v1/ask", "Bearer " + ASKER_SECRET, "Bearer " + WRITER_SECRET),
                "Bearer realm=\"qaflow\", error=\"invalid_request\"", "send one Authorization header, not 2");
    }

    @Test
    void aKeyWithoutTheScopeIsA403NamingTheScope() {
        Outcome outcome = post("/v1/documents", "Bearer " + ASKER_SECRET);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.problem().problem().status()).isEqualTo(403);
        assertThat(outcome.problem().problem().type()).endsWith(":forbidden");
        assertThat(outcome.problem().problem().errors()).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("Authorization"))
                .satisfies(e -> assertThat(e.message()).contains("'asker'", "'documents'"));
        assertThat(outcome.problem().headers().getFirst(HttpHeaders.WWW_AUTHENTICATE))
                .isEqualTo("Bearer realm=\"qaflow\", error=\"insufficient_scope\", scope=\"documents\"");
        assertThat(outcome.exchange().<String>getAttribute(ApiMetricsFilter.OUTCOME)).isEqualTo("forbidden");

        Outcome cache = run(filter, MockServerHttpRequest.get("/v1/cache/stats")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + WRITER_SECRET));
        assertThat(cache.problem().problem().status()).isEqualTo(403);
        assertThat(cache.problem().problem().detail()).contains("'admin'");
    }

    @Test
    void publicPathsNeedNoKey() {
        assertThat(run(filter, MockServerHttpRequest.get("/actuator/health/readiness")).passed()).isTrue();
        assertThat(run(filter, MockServerHttpRequest.get("/v3/api-docs")).passed()).isTrue();
        assertThat(run(filter, MockServerHttpRequest.get("/actuator/../v1/requests/x")).passed()).isFalse();
    }

    @Test
    void withoutKeysEverythingPasses() {
        ApiKeyFilter open = new ApiKeyFilter(new ApiKeys(new AccessProperties(null, 60, null, null)));

        Outcome outcome = run(open, MockServerHttpRequest.post("/v1/documents"));
        assertThat(outcome.passed()).isTrue();
        assertThat(Caller.of(outcome.exchange())).isEmpty();
    }

    @Test
    void itRunsAfterTheRequestIdAndMetricsFilters() {
        assertThat(filter.getOrder()).isGreaterThan(new io.qaflow.gateway.api.RequestIdFilter().getOrder());
    }
}
