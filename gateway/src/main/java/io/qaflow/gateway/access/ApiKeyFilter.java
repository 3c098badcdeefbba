package io.qaflow.gateway.access;

import io.qaflow.gateway.api.ApiMetricsFilter;
import io.qaflow.web.FieldError;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * When API keys are configured, requires {@code Authorization: Bearer <secret>} of a known key with the scope the
 * endpoint needs ({@link EndpointAccess}) and puts the key's {@link Caller} in the exchange. Missing, malformed or
 * unknown: 401 with {@code WWW-Authenticate: Bearer}; a key without the scope: 403 (RFC 6750
 * {@code insufficient_scope}); both problem+json naming the {@code Authorization} field. Runs after
 * {@link io.qaflow.gateway.api.RequestIdFilter}, so rejections carry {@code X-Request-Id} too. Without keys it lets
 * everything through.
 */
public final class ApiKeyFilter implements WebFilter, Ordered {
    /** After the metrics and request-id filters, before {@link RateLimitFilter}. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;
    static final String REALM = "qaflow";
    private static final String FIELD = HttpHeaders.AUTHORIZATION;

    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (keys.open()) {
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        EndpointAccess access = EndpointAccess.of(request.getMethod(), request.getPath().pathWithinApplication());
        if (!access.keyRequired()) {
            return chain.filter(exchange);
        }
        List<String> values = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            return reject(exchange, unauthorized("an API key is required: send Authorization: Bearer <key>", null));
        }
        if (values.size() > 1) {
            return reject(exchange, unauthorized("send one Authorization header, not " + values.size(),
                    "invalid_request"));
        }
        Optional<String> secret = bearerToken(values.getFirst());
        if (secret.isEmpty()) {
            return reject(exchange, unauthorized("must be Bearer <key>", null));
        }
        if (!ApiKeyHash.isSendable(secret.get())) {
            return reject(exchange, unauthorized("is not a well-formed Bearer token", "invalid_token"));
        }
        Optional<AccessProperties.ApiKey> key = keys.authenticate(secret.get());
        if (key.isEmpty()) {
            return reject(exchange, unauthorized("is not a valid API key", "invalid_token"));
        }
        if (!key.get().allows(access.scope())) {
            return reject(exchange, forbidden(key.get().id(), access.scope()));
        }
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(key.get().id()));
        return chain.filter(exchange);
    }

    /** The credentials after {@code Bearer} (scheme case-insensitive, RFC 7235), or empty for another scheme. */
    static Optional<String> bearerToken(String header) {
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            return Optional.empty();
        }
        return Optional.of(value.substring(space + 1).strip());
    }

    private static Mono<Void> reject(ServerWebExchange exchange, ProblemException problem) {
        ApiMetricsFilter.outcome(exchange, problem.problem().status() == 401 ? "unauthorized" : "forbidden");
        return Mono.error(problem);
    }

    private static ProblemException unauthorized(String message, String error) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\""
                + (error != null ? ", error=\"" + error + "\"" : ""));
        return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", FIELD + ": " + message,
                List.of(new FieldError(FIELD, message))), headers);
    }

    private static ProblemException forbidden(String keyId, Scope needed) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM
                + "\", error=\"insufficient_scope\", scope=\"" + needed.value() + "\"");
        String message = "the API key '" + keyId + "' lacks the scope '" + needed.value() + "' this endpoint needs";
        return new ProblemException(Problem.of(403, "forbidden", "Forbidden", message,
                List.of(new FieldError(FIELD, message))), headers);
    }
}
