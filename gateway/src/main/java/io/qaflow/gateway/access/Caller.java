package io.qaflow.gateway.access;

import java.util.Optional;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who made a call: the id of the API key it authenticated with (never the key). Set by {@link ApiKeyFilter} in the
 * exchange's attributes; absent when the gateway runs open or for public paths.
 */
public record Caller(String apiKeyId) {
    /** The exchange attribute holding the {@link Caller}. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        if (apiKeyId == null || apiKeyId.isBlank()) {
            throw new IllegalArgumentException("a caller has an API key id");
        }
    }

    /** The caller of {@code exchange}, when it authenticated with an API key. */
    public static Optional<Caller> of(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(ATTRIBUTE));
    }
}
