package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml: valid against the Compose specification's JSON schema (compose-go's, in test resources), and
 * what makes the stack come up in order and observable: healthchecks behind every depends_on, three KRaft brokers,
 * two replicas of each worker, images of this version, Prometheus scraping every service with the chart's alert
 * rules, Grafana with the chart's dashboards.
 */
class ComposeFileTest {
    private static final ObjectMapper JACKSON2 = new ObjectMapper();
    private final ComposeFile compose = ComposeFile.load();

    @Test
    void validatesAgainstTheComposeSpecification() {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:compose-spec/compose-spec.json"));
        JsonNode document = JACKSON2.valueToTree(compose.root());

        Set<ValidationMessage> errors = schema.validate(document);

        assertThat(errors).isEmpty();
        Map<String, Object> broken = ComposeFile.yaml(Repo.read(Repo.COMPOSE).replace("    healthcheck:\n", "    healthchek:\n"));
        assertThat(schema.validate(JACKSON2.valueToTree(broken))).as("the schema refuses an unknown key")
                .extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("healthchek"));
    }

    @Test
    void everyDependencyIsWaitedForUntilHealthyAndHasAHealthcheck() {
        compose.services().forEach((name, service) -> {
            Object dependsOn = ComposeFile.map(service, name).get("depends_on");
            if (dependsOn == null) {
                return;
            }
            ComposeFile.map(dependsOn, "depends_on of " + name).forEach((target, condition) -> {
                assertThat(compose.services()).as(name + " depends on " + target).containsKey(target);
                assertThat(ComposeFile.map(condition, name + " -> " + target)).containsEntry("condition", "service_healthy");
                assertThat(compose.healthcheck(target)).as("healthcheck of " + target + ", which " + name + " waits for")
                        .isPresent();
            });
        });
        compose.qaflowServices().forEach((name, component) -> {
            assertThat(compose.healthcheck(name)).as(name).isPresent();
            assertThat(String.valueOf(compose.healthcheck(name).orElseThrow().get("test")))
                    .as("the healthcheck of " + name + " asks its readiness group on its port")
                    .contains("http://localhost:" + component.port + "/actuator/health/readiness");
        });
    }

    @Test
    void kafkaIsThreeKraftBrokersThatReplicateThreeTimes() {
        List<String> brokers = compose.services().keySet().stream().filter(n -> n.startsWith("kafka-")).toList();
        assertThat(brokers).containsExactly("kafka-1", "kafka-2", "kafka-3");
        for (String broker : brokers) {
            Map<String, String> env = compose.environment(broker);
            assertThat(String.valueOf(compose.service(broker).get("image"))).matches("apache/kafka:4\\.1\\.\\d+");
            assertThat(env).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                    .containsEntry("KAFKA_NODE_ID", broker.substring("kafka-".length()));
        }
        assertThat(brokers.stream().map(b -> compose.environment(b).get("CLUSTER_ID")).distinct()).hasSize(1);
    }

    @Test
    void everyServiceRunsFromItsImageAndTheWorkersTwice() {
        assertThat(compose.qaflowServices().values()).containsExactlyInAnyOrder(Component.values());
        compose.qaflowServices().forEach((name, component) -> {
            assertThat(name).isEqualTo(component.module);
            assertThat(ComposeFile.interpolated(String.valueOf(compose.service(name).get("image"))))
                    .isEqualTo(component.image());
            assertThat(compose.service(name)).containsEntry("read_only", true).containsEntry("user", "10001:10001");
            Object deploy = compose.service(name).get("deploy");
            int replicas = deploy == null ? 1 : (Integer) ComposeFile.map(deploy, "deploy").get("replicas");
            assertThat(replicas).as(name).isEqualTo(
                    component == Component.EMBEDDER_WORKER || component == Component.ANSWER_WORKER ? 2 : 1);
        });
        assertThat(compose.service("chroma").get("profiles")).isEqualTo(List.of("chroma"));
    }

    @Test
    void prometheusScrapesEveryServiceAndLoadsTheChartsAlertRules() {
        Map<String, Object> prometheus = ComposeFile.yaml(Repo.read(Repo.COMPOSE_DIR.resolve("prometheus.yml")));
        Map<String, Integer> scraped = ((List<?>) prometheus.get("scrape_configs")).stream()
                .map(c -> ComposeFile.map(c, "scrape config"))
                .filter(c -> "/actuator/prometheus".equals(c.get("metrics_path")))
                .flatMap(c -> ((List<?>) c.get("dns_sd_configs")).stream().map(d -> ComposeFile.map(d, "dns_sd_config")))
                .collect(Collectors.toMap(d -> String.valueOf(((List<?>) d.get("names")).getFirst()),
                        d -> (Integer) d.get("port")));
        compose.qaflowServices().forEach((name, component) ->
                assertThat(scraped).as("Prometheus scrapes " + name).containsEntry(name, component.port));
        assertThat(prometheus.get("rule_files")).isEqualTo(List.of("/etc/prometheus/rules/*.yml"));
        assertThat(volumes("prometheus")).contains("./helm/qaflow/files/alerts:/etc/prometheus/rules:ro",
                "./deploy/compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }

    @Test
    void grafanaProvisionsTheChartsDashboardsFromPrometheus() throws Exception {
        assertThat(volumes("grafana")).contains("./helm/qaflow/files/dashboards:/var/lib/grafana/dashboards/qaflow:ro",
                "./deploy/compose/grafana/provisioning:/etc/grafana/provisioning:ro");
        Map<String, Object> dashboards = ComposeFile.yaml(Repo.read(
                Repo.COMPOSE_DIR.resolve("grafana/provisioning/dashboards/qaflow.yml")));
        Map<String, Object> provider = ComposeFile.map(((List<?>) dashboards.get("providers")).getFirst(), "provider");
        assertThat(ComposeFile.map(provider.get("options"), "options")).containsEntry("path", "/var/lib/grafana/dashboards/qaflow");
        Map<String, Object> datasources = ComposeFile.yaml(Repo.read(
                Repo.COMPOSE_DIR.resolve("grafana/provisioning/datasources/prometheus.yml")));
        Map<String, Object> datasource = ComposeFile.map(((List<?>) datasources.get("datasources")).getFirst(), "datasource");
        assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090")
                .containsEntry("isDefault", true);
        assertThat(Files.isDirectory(Repo.DASHBOARDS)).isTrue();
    }

    @Test
    void servicesExportTracesToJaeger() {
        compose.qaflowServices().keySet().forEach(name -> assertThat(compose.environment(name))
                .containsEntry("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", "http://jaeger:4318/v1/traces"));
        assertThat(compose.services()).containsKey("jaeger");
    }

    private List<String> volumes(String service) {
        return ((List<?>) compose.service(service).get("volumes")).stream().map(String::valueOf).toList();
    }
}
