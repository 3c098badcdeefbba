package io.qaflow.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.gateway.api.ApiMetricsFilter;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.MutableClock;
import io.qaflow.web.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** The filter on this replica's buckets: Redis switched off, so every decision is a counted fallback. */
class RateLimitFilterTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimiter limiter = new RateLimiter(new RedisTokenBuckets(RedisAvailability.disabled(registry)),
            new LocalTokenBuckets(clock), registry);

    private record Outcome(MockServerWebExchange exchange, boolean passed, ProblemException problem) {
        String header(String name) {
            return problem != null ? problem.headers().getFirst(name)
                    : exchange.getResponse().getHeaders().getFirst(name);
        }
    }

    private static Outcome run(RateLimitFilter filter, MockServerHttpRequest.BaseBuilder<?> request, String keyId) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        if (keyId != null) {
            exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(keyId));
        }
        AtomicBoolean passed = new AtomicBoolean();
        AtomicReference<Throwable> error = new AtomicReference<>();
        filter.filter(exchange, next -> Mono.fromRunnable(() -> passed.set(true)))
                .onErrorResume(e -> {
                    error.set(e);
                    return Mono.empty();
                }).block();
        return new Outcome(exchange, passed.get(), (ProblemException) error.get());
    }

    private RateLimitFilter keyed(int perMinute, int burst) {
        return new RateLimitFilter(limiter, new AccessProperties(List.of(new AccessProperties.ApiKey("load",
                ApiKeyHash.sha256Hex("s3cret"), perMinute, burst, null)), 60, null, null), registry);
    }

    @Test
    void aKeyGetsItsBurstWithRateLimitHeadersThenA429WithRetryAfter() {
        RateLimitFilter filter = keyed(30, 2);

        Outcome first = run(filter, MockServerHttpRequest.post("/v1/ask"), "load");
        assertThat(first.passed()).isTrue();
        assertThat(first.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(first.header("RateLimit-Remaining")).isEqualTo("1");
        assertThat(first.header("RateLimit-Reset")).isEqualTo("2");
        Outcome second = run(filter, MockServerHttpRequest.post("/v1/requests"), "load");
        assertThat(second.passed()).isTrue();
        assertThat(second.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(second.header("RateLimit-Reset")).isEqualTo("4");

        Outcome refused = run(filter, MockServerHttpRequest.post("/v1/documents"), "load");
        assertThat(refused.passed()).isFalse();
        assertThat(refused.problem().problem().status()).isEqualTo(429);
        assertThat(refused.problem().problem().type()).endsWith(":rate-limited");
        assertThat(refused.problem().problem().errors()).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("Authorization"));
        assertThat(refused.problem().problem().detail())
                .contains("'load' may make 30 requests a minute, at most 2 at once (on this gateway replica)");
        assertThat(refused.header(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.header("RateLimit-Reset")).isEqualTo("4");
        assertThat(refused.exchange().<String>getAttribute(ApiMetricsFilter.OUTCOME)).isEqualTo("rate_limited");
        assertThat(registry.counter("qa.ratelimit.rejections", "key", "load").count()).isEqualTo(1);
        assertThat(registry.counter("qa.ratelimit.fallback", "reason", "unavailable").count()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(2));
        assertThat(run(filter, MockServerHttpRequest.post("/v1/ask"), "load").passed()).isTrue();
    }

    @Test
    void onlyCallsThatStartWorkTakeATokenAndOtherCallsCarryNoHeaders() {
        RateLimitFilter filter = keyed(60, 1);
        run(filter, MockServerHttpRequest.post("/v1/ask"), "load");

        for (var request : List.of(MockServerHttpRequest.get("/v1/requests/abc"),
                MockServerHttpRequest.post("/v1/requests/abc/feedback"),
                MockServerHttpRequest.delete("/v1/documents/d1"),
                MockServerHttpRequest.get("/actuator/health"))) {
            Outcome outcome = run(filter, request, "load");
            assertThat(outcome.passed()).isTrue();
            assertThat(outcome.header("RateLimit-Limit")).isNull();
        }
        assertThat(run(filter, MockServerHttpRequest.post("/v1/ask"), "load").passed()).isFalse();
    }

    @Test
    void openWithoutAnAnonymousRateHasNoLimit() {
        RateLimitFilter filter = new RateLimitFilter(limiter, new AccessProperties(null, 60, null, null), registry);
        for (int i = 0; i < 100; i++) {
            Outcome outcome = run(filter, MockServerHttpRequest.post("/v1/ask"), null);
            assertThat(outcome.passed()).isTrue();
            assertThat(outcome.header("RateLimit-Limit")).isNull();
        }
    }

    @Test
    void openWithAnAnonymousRateLimitsEveryoneTogether() {
        RateLimitFilter filter = new RateLimitFilter(limiter, new AccessProperties(null, 60, 2, 6), registry);

        assertThat(run(filter, MockServerHttpRequest.post("/v1/ask"), null).passed()).isTrue();
        assertThat(run(filter, MockServerHttpRequest.post("/v1/requests"), null).passed()).isTrue();
        Outcome refused = run(filter, MockServerHttpRequest.post("/v1/ask"), null);
        assertThat(refused.problem().problem().status()).isEqualTo(429);
        assertThat(refused.problem().problem().detail()).startsWith("callers without an API key may make 6");
        assertThat(refused.header(HttpHeaders.RETRY_AFTER)).isEqualTo("10");
        assertThat(registry.counter("qa.ratelimit.rejections", "key", "anonymous").count()).isEqualTo(1);
    }
}
