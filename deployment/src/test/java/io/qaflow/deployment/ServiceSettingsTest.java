package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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

    @Test
    void aVariableThatAlsoBindsIntoAnotherMapPropertyIsRefused() {
        ServiceSettings settings = new ServiceSettings(Map.of(
                "management.metrics.distribution.percentiles", "java.util.Map<java.lang.String,double[]>",
                "management.metrics.distribution.percentiles-histogram", "java.util.Map<java.lang.String,java.lang.Boolean>"));

        ServiceSettings.Verdict underscores = settings.check(
                "MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILES_HISTOGRAM_HTTP_SERVER_REQUESTS");
        assertThat(underscores.read()).isFalse();
        assertThat(underscores.property()).startsWith("ambiguous");
        assertThat(settings.check("MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS").read())
                .as("dashes dropped: only percentiles-histogram").isTrue();
        assertThat(settings.check("MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILES_HTTP_SERVER_REQUESTS").read()).isTrue();
    }
}
