package io.qaflow.gateway.api;

import io.qaflow.gateway.GatewayMetrics;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * Counts every call to the v1 API in {@code qa.requests} when its response is committed, tagged with the endpoint
 * (method and route pattern, never the raw path) and the outcome a handler set, or one derived from the status.
 */
public final class ApiMetricsFilter implements WebFilter, Ordered {
    /** Exchange attribute in which a handler names the outcome (answered, pending, failed, expired, ...). */
    public static final String OUTCOME = ApiMetricsFilter.class.getName() + ".outcome";

    private final GatewayMetrics metrics;

    public ApiMetricsFilter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    public static void outcome(ServerWebExchange exchange, String outcome) {
        exchange.getAttributes().put(OUTCOME, outcome);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().startsWith("/v1/")) {
            exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> record(exchange)));
        }
        return chain.filter(exchange);
    }

    private void record(ServerWebExchange exchange) {
        PathPattern pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String endpoint = methodTag(exchange.getRequest().getMethod()) + " "
                + (pattern != null ? pattern.getPatternString() : "unmatched");
        String outcome = exchange.getAttribute(OUTCOME);
        metrics.request(endpoint, outcome != null ? outcome : outcomeOf(exchange.getResponse().getStatusCode()));
    }

    /** The method as a tag value; a custom method (any token is valid HTTP) would make the tag unbounded. */
    static String methodTag(HttpMethod method) {
        for (HttpMethod known : HttpMethod.values()) {
            if (known.equals(method)) {
                return known.name();
            }
        }
        return "OTHER";
    }

    private static String outcomeOf(HttpStatusCode status) {
        if (status == null || status.is2xxSuccessful()) {
            return "ok";
        }
        if (status.value() == 503) {
            return "unavailable";
        }
        return status.is4xxClientError() ? "rejected" : "error";
    }
}
