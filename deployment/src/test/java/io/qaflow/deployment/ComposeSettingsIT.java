package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable docker-compose.yml gives a qaflow service is a setting that service reads (the
 * configuration metadata in its executable jar), and the settings it needs are there.
 */
class ComposeSettingsIT {
    private final ComposeFile compose = ComposeFile.load();

    @Test
    void everyVariableIsASettingTheServiceReads() {
        compose.qaflowServices().forEach((service, component) -> {
            ServiceSettings settings = ServiceSettings.of(component);
            compose.environment(service).keySet().forEach(name -> {
                ServiceSettings.Verdict verdict = settings.check(name);
                assertThat(verdict.read()).as("%s sets %s, which %s does not read (%s)", service, name,
                        component.module, verdict.property()).isTrue();
            });
        });
    }

    @Test
    void theSettingsAServiceNeedsAreSet() {
        compose.qaflowServices().forEach((service, component) -> {
            Map<String, String> env = compose.environment(service);
            assertThat(env).as(service).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092,kafka-3:9092")
                    .containsEntry("QAFLOW_KAFKA_TOPICS_REPLICATION_FACTOR", "3")
                    .containsEntry("QAFLOW_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "2");
            if (ServiceSettings.of(component).binds("qaflow.redis.url")) {
                assertThat(env).as(service).containsEntry("QAFLOW_REDIS_URL", "redis://redis:6379");
                assertThat(ComposeFile.map(compose.service(service).get("depends_on"), "depends_on")).containsKey("redis");
            }
        });
        assertThat(compose.environment("metrics-aggregator"))
                .containsEntry("QAFLOW_AGGREGATOR_STREAMS_STATE_DIR", "/var/lib/qaflow/aggregator");
        assertThat(compose.environment("experiment-controller"))
                .containsEntry("QAFLOW_EXPERIMENT_CONTROLLER_AGGREGATOR_URL", "http://metrics-aggregator:8082");
    }
}
