package io.qaflow.gateway.api;

import io.qaflow.web.ProblemException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Echoes {@code X-Request-Id} on every response, generating one when the caller sent none. A caller's id must be 1
 * to 128 visible ASCII characters; another value is rejected (and a generated id echoed instead).
 */
public final class RequestIdFilter implements WebFilter, Ordered {
    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,128}");

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String given = exchange.getRequest().getHeaders().getFirst(HEADER);
        boolean valid = given != null && VALID.matcher(given).matches();
        String id = valid ? given : UUID.randomUUID().toString();
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        if (given != null && !valid) {
            return Mono.error(ProblemException.invalid(HEADER, "must be 1 to 128 visible ASCII characters"));
        }
        return chain.filter(exchange);
    }
}
