package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every environment variable the chart gives a service's container is a setting that service reads (its
 * configuration metadata, from its executable jar), and the settings it cannot run well without are there.
 * An integration test: it needs the services' jars, which the reactor packages before this module.
 */
class ChartSettingsIT {

    static List<Path> ciValuesFiles() {
        return Repo.ciValuesFiles();
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void everyVariableIsASettingTheServiceReads(Path values) {
        Manifests manifests = HelmChart.render(values);
        for (Workload workload : Workload.of(manifests)) {
            ServiceSettings settings = ServiceSettings.of(workload.component());
            Map<String, String> env = environment(manifests, workload);
            assertThat(env).as(workload.name()).isNotEmpty();
            env.keySet().forEach(name -> {
                ServiceSettings.Verdict verdict = settings.check(name);
                assertThat(verdict.read()).as("%s sets %s, which %s does not read (no such property in its jar's"
                        + " configuration metadata, or %s)", workload.name(), name, workload.component().module,
                        verdict.property()).isTrue();
            });
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void theSettingsAServiceNeedsAreSet(Path values) {
        Manifests manifests = HelmChart.render(values);
        JsonNode chartValues = HelmChart.values(values);
        for (Workload workload : Workload.of(manifests)) {
            ServiceSettings settings = ServiceSettings.of(workload.component());
            Map<String, String> env = environment(manifests, workload);
            assertThat(env).as(workload.name()).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS",
                    chartValues.path("kafka").path("bootstrapServers").asString());
            JsonNode topics = chartValues.path("kafka").path("topics");
            assertThat(env).as(workload.name() + ": topic settings in one place")
                    .containsEntry("QAFLOW_KAFKA_TOPICS_PARTITIONS", topics.path("partitions").asString())
                    .containsEntry("QAFLOW_KAFKA_TOPICS_REPLICATION_FACTOR", topics.path("replicationFactor").asString())
                    .containsEntry("QAFLOW_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", topics.path("minInsyncReplicas").asString());
            if (settings.binds("qaflow.redis.url")) {
                boolean redis = chartValues.path("redis").path("enabled").asBoolean();
                assertThat(env).as(workload.name()).containsEntry("QAFLOW_REDIS_ENABLED", String.valueOf(redis));
                if (redis) {
                    assertThat(env).as(workload.name() + " reads qaflow.redis.url").containsKey("QAFLOW_REDIS_URL");
                }
            } else {
                assertThat(env).as(workload.name() + " has no Redis").doesNotContainKeys("QAFLOW_REDIS_URL");
            }
            switch (workload.component()) {
                case ANSWER_WORKER -> assertThat(env).containsKeys("QAFLOW_ANSWER_LLM_BASE_URL", "QAFLOW_ANSWER_LLM_MODEL");
                case METRICS_AGGREGATOR -> assertThat(env)
                        .containsEntry("QAFLOW_AGGREGATOR_STREAMS_STATE_DIR", "/var/lib/qaflow/aggregator")
                        .containsEntry("QAFLOW_AGGREGATOR_STREAMS_ADVERTISED_HOST", "<status.podIP>");
                case EXPERIMENT_CONTROLLER -> {
                    String aggregator = manifests.all(Service.class).stream()
                            .filter(s -> s.getMetadata().getName().endsWith("-metrics-aggregator")).findFirst()
                            .map(s -> "http://" + s.getMetadata().getName() + ":" + s.getSpec().getPorts().getFirst().getPort())
                            .orElseThrow();
                    assertThat(env).containsEntry("QAFLOW_EXPERIMENT_CONTROLLER_AGGREGATOR_URL", aggregator);
                }
                default -> { }
            }
        }
    }

    /**
     * The container's environment: its env entries (a value from a Secret or the pod shows as &lt;secret/key&gt; or
     * &lt;field&gt;) and the entries of the ConfigMaps it takes with envFrom. Secrets taken whole with envFrom are the
     * operator's own (gateway API keys) and not known here.
     */
    static Map<String, String> environment(Manifests manifests, Workload workload) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : workload.container().getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                ConfigMap map = manifests.one(ConfigMap.class, from.getConfigMapRef().getName());
                if (map.getData() != null) {
                    env.putAll(map.getData());
                }
            }
        }
        for (EnvVar variable : workload.container().getEnv()) {
            String value = variable.getValue();
            if (variable.getValueFrom() != null) {
                value = variable.getValueFrom().getSecretKeyRef() != null
                        ? "<secret " + variable.getValueFrom().getSecretKeyRef().getName() + "/"
                                + variable.getValueFrom().getSecretKeyRef().getKey() + ">"
                        : "<" + variable.getValueFrom().getFieldRef().getFieldPath() + ">";
            }
            env.put(variable.getName(), value);
        }
        return env;
    }
}
