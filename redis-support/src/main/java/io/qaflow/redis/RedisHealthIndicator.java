package io.qaflow.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Redis in {@code /actuator/health}: UP while Redis answers, {@value #DEGRADED} while the service runs on its
 * in-process fallbacks. DEGRADED is not DOWN: the service still serves (readiness answers 200, see the status order
 * and HTTP mapping in the service's configuration), it only says so.
 */
public final class RedisHealthIndicator implements HealthIndicator {
    public static final String DEGRADED = "DEGRADED";

    private final RedisAvailability availability;
    private final String url;

    public RedisHealthIndicator(RedisAvailability availability, String url) {
        this.availability = availability;
        this.url = url;
    }

    @Override
    public Health health() {
        RedisAvailability.State state = availability.state();
        Health.Builder health = state.mode() == RedisAvailability.Mode.REDIS
                ? Health.up()
                : Health.status(new Status(DEGRADED, state.mode() == RedisAvailability.Mode.DISABLED
                        ? "Redis switched off: in-process caches, status and per-replica rate limits"
                        : "Redis unavailable: serving from in-process fallbacks"));
        health.withDetail("mode", state.mode()).withDetail("since", state.since().toString());
        if (state.mode() != RedisAvailability.Mode.DISABLED) {
            health.withDetail("url", url);
        }
        if (state.lastError() != null && state.mode() == RedisAvailability.Mode.DEGRADED) {
            health.withDetail("error", state.lastError());
        }
        return health.build();
    }
}
