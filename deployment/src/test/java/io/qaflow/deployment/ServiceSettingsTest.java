package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spring Boot's mapping of a property name to the environment variables that set it. */
class ServiceSettingsTest {
    @Test
    void dotsBecomeUnderscoresAndDashesGoOrBecomeUnderscores() {
        assertThat(ServiceSettings.envNames("qaflow.gateway.publish-timeout"))
                .containsExactly("QAFLOW_GATEWAY_PUBLISHTIMEOUT", "QAFLOW_GATEWAY_PUBLISH_TIMEOUT");
        assertThat(ServiceSettings.envNames("spring.kafka.bootstrap-servers"))
                .contains("SPRING_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(ServiceSettings.envNames("qaflow.redis.url")).containsOnly("QAFLOW_REDIS_URL");
    }
}
