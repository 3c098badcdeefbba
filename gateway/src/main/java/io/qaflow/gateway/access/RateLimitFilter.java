package io.qaflow.gateway.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.gateway.api.ApiMetricsFilter;
import io.qaflow.web.FieldError;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Takes one token of the caller's bucket for each call that starts work ({@link EndpointAccess#rateLimited()}): the
 * key's bucket, or {@code anonymous} when the gateway runs open with an anonymous rate; no limit otherwise. Every
 * such response carries {@code RateLimit-Limit} (the bucket's size), {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} (seconds until the bucket is full again); a call without a token gets 429 problem+json with
 * {@code Retry-After} (seconds until the next token, at least 1), counted in {@code qa.ratelimit.rejections{key}}.
 */
public final class RateLimitFilter implements WebFilter, Ordered {
    /** After {@link ApiKeyFilter}, which names the caller. */
    public static final int ORDER = ApiKeyFilter.ORDER + 10;
    public static final String LIMIT = "RateLimit-Limit";
    public static final String REMAINING = "RateLimit-Remaining";
    public static final String RESET = "RateLimit-Reset";

    private final RateLimiter limiter;
    private final Map<String, AccessProperties.ApiKey> keys;
    private final AccessProperties properties;
    private final Optional<TokenBucket.Limit> anonymous;
    private final MeterRegistry registry;

    public RateLimitFilter(RateLimiter limiter, AccessProperties properties, MeterRegistry registry) {
        this.limiter = limiter;
        this.properties = properties;
        this.keys = properties.keys().stream()
                .collect(Collectors.toUnmodifiableMap(AccessProperties.ApiKey::id, Function.identity()));
        this.anonymous = properties.anonymousLimit();
        this.registry = registry;
        keys.keySet().forEach(this::rejections);
        anonymous.ifPresent(limit -> rejections(AccessProperties.ANONYMOUS));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!EndpointAccess.of(request.getMethod(), request.getPath().pathWithinApplication()).rateLimited()) {
            return chain.filter(exchange);
        }
        Optional<Caller> caller = Caller.of(exchange);
        String bucket;
        TokenBucket.Limit limit;
        if (caller.isPresent() && keys.containsKey(caller.get().apiKeyId())) {
            bucket = caller.get().apiKeyId();
            limit = properties.limitOf(keys.get(bucket));
        } else if (caller.isEmpty() && anonymous.isPresent()) {
            bucket = AccessProperties.ANONYMOUS;
            limit = anonymous.get();
        } else {
            return chain.filter(exchange);
        }
        return limiter.take(bucket, limit).flatMap(decision -> {
            HttpHeaders headers = headers(decision);
            if (decision.allowed()) {
                exchange.getResponse().getHeaders().addAll(headers);
                return chain.filter(exchange);
            }
            rejections(bucket).increment();
            ApiMetricsFilter.outcome(exchange, "rate_limited");
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
            return Mono.error(tooManyRequests(bucket, limit, decision, headers));
        });
    }

    static HttpHeaders headers(Decision decision) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(LIMIT, Integer.toString(decision.limit()));
        headers.set(REMAINING, Long.toString(decision.remaining()));
        headers.set(RESET, Long.toString(decision.resetSeconds()));
        return headers;
    }

    private static ProblemException tooManyRequests(String bucket, TokenBucket.Limit limit, Decision decision,
                                                    HttpHeaders headers) {
        boolean anonymous = bucket.equals(AccessProperties.ANONYMOUS);
        String who = anonymous ? "callers without an API key" : "the API key '" + bucket + "'";
        String message = who + " may make " + limit.requestsPerMinute() + " requests a minute, at most "
                + limit.burst() + " at once" + (decision.shared() ? "" : " (on this gateway replica)")
                + "; retry in " + decision.retryAfterSeconds() + " s";
        return new ProblemException(Problem.of(429, "rate-limited", "Too many requests", message,
                List.of(new FieldError(anonymous ? "request" : HttpHeaders.AUTHORIZATION, message))), headers);
    }

    private Counter rejections(String bucket) {
        return Counter.builder("qa.ratelimit.rejections")
                .description("Calls refused with 429 because their API key's bucket was empty")
                .tag("key", bucket)
                .register(registry);
    }
}
