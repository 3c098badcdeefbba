package io.qaflow.redis;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Redis for a qaflow service, under {@code qaflow.redis.*}.
 *
 * @param enabled false runs the service on its in-process fallbacks only (said at start-up)
 * @param url {@code redis://[user:password@]host:port[/database]} ({@code rediss://} for TLS)
 * @param connectTimeout how long a connection attempt may take
 * @param commandTimeout how long one command may take before the call counts as failed; kept short, because a
 *        request waiting on an unavailable Redis is a request not served from the fallback
 * @param probeInterval how often availability is checked, which is also how soon a returned Redis is used again
 */
@Validated
@ConfigurationProperties("qaflow.redis")
public record RedisProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("redis://127.0.0.1:6379") @NotNull String url,
        @DefaultValue("500ms") @NotNull Duration connectTimeout,
        @DefaultValue("500ms") @NotNull Duration commandTimeout,
        @DefaultValue("1s") @NotNull Duration probeInterval) {

    /** The URL without its password, for logs. */
    public String redactedUrl() {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
