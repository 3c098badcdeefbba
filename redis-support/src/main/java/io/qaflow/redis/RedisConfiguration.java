package io.qaflow.redis;

import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.config.Config;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Redisson client of a service, created lazily so a service starts (degraded) while Redis is down, with short
 * timeouts and a single retry so a dead Redis costs a request milliseconds, not seconds.
 */
@AutoConfiguration
@EnableConfigurationProperties({RedisProperties.class, CacheProperties.class})
public class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedissonClient qaflowRedisson(RedisProperties properties) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.setNettyThreads(4);
        config.useSingleServer()
                .setAddress(properties.url())
                .setConnectTimeout((int) properties.connectTimeout().toMillis())
                .setTimeout((int) properties.commandTimeout().toMillis())
                .setRetryAttempts(1)
                .setRetryInterval(100)
                .setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(16)
                .setSubscriptionConnectionMinimumIdleSize(0)
                .setPingConnectionInterval(0);
        return Redisson.create(config);
    }

    @Bean
    RedisAvailability redisAvailability(RedisProperties properties, RedissonClient redisson,
                                        MeterRegistry registry) {
        if (!properties.enabled()) {
            return RedisAvailability.disabled(registry);
        }
        RedissonReactiveClient reactive = redisson.reactive();
        return new RedisAvailability(reactive, properties.commandTimeout(), properties.probeInterval(), registry);
    }

    @Bean
    RedisHealthIndicator redisHealthIndicator(RedisAvailability availability, RedisProperties properties) {
        return new RedisHealthIndicator(availability, properties.redactedUrl());
    }

    @Bean
    AnswerCache answerCache(RedisAvailability availability, CacheProperties properties, MeterRegistry registry) {
        return new AnswerCache(availability, properties, registry);
    }

    @Bean
    PipelineVersions pipelineVersions(RedisAvailability availability, RedisProperties properties) {
        return new PipelineVersions(availability, properties.probeInterval());
    }
}
