package io.qaflow.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Redis in {@code /actuator/health}: UP while Redis answers (or when it is switched off on purpose, with mode
 * DISABLED in the details), {@value #DEGRADED} while the service runs on its in-process fallbacks because Redis
 * does not answer. DEGRADED is not DOWN: the service still serves (readiness answers 200, see the status order
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
        // switched off on purpose (a single replica) is how the service is meant to run, not a degradation
        Health.Builder health = state.mode() == RedisAvailability.Mode.DEGRADED
                ? Health.status(new Status(DEGRADED, "Redis unavailable: serving from in-process fallbacks"))
                : Health.up();
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
