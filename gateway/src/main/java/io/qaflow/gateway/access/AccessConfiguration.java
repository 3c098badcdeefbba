package io.qaflow.gateway.access;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.redis.RedisAvailability;
import java.time.Clock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** API keys ({@link ApiKeyFilter}) and rate limits ({@link RateLimitFilter}) of the gateway. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessProperties.class)
public class AccessConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AccessConfiguration.class);

    @Bean
    ApiKeys gatewayApiKeys(AccessProperties properties) {
        if (properties.open()) {
            log.warn("No API keys configured (qaflow.gateway.access.keys): the gateway runs OPEN, anyone who can "
                    + "reach it may call /v1 without a key, {}", properties.anonymousLimit()
                    .map(limit -> "limited together to " + limit.requestsPerMinute() + " requests a minute")
                    .orElse("without rate limits"));
        } else {
            log.info("API keys required on /v1 (Authorization: Bearer); {} keys: {}", properties.keys().size(),
                    properties.keys().stream()
                            .map(key -> key.id() + " " + key.scopes().stream().map(Scope::value).sorted().toList()
                                    + " " + properties.limitOf(key).requestsPerMinute() + "/min burst "
                                    + properties.limitOf(key).burst())
                            .collect(Collectors.joining(", ")));
        }
        return new ApiKeys(properties);
    }

    @Bean
    ApiKeyFilter apiKeyFilter(ApiKeys gatewayApiKeys) {
        return new ApiKeyFilter(gatewayApiKeys);
    }

    @Bean
    RateLimiter gatewayRateLimiter(RedisAvailability redis, ObjectProvider<Clock> clock, MeterRegistry registry) {
        return new RateLimiter(new RedisTokenBuckets(redis),
                new LocalTokenBuckets(clock.getIfUnique(Clock::systemUTC)), registry);
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter gatewayRateLimiter, AccessProperties properties,
                                    MeterRegistry registry) {
        return new RateLimitFilter(gatewayRateLimiter, properties, registry);
    }
}
