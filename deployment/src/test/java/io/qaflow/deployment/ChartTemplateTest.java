package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.qaflow.deployment.CustomResources.PrometheusRule;
import io.qaflow.deployment.CustomResources.RuleFile;
import io.qaflow.deployment.CustomResources.ScaledObject;
import io.qaflow.deployment.CustomResources.ServiceMonitor;
import io.qaflow.deployment.CustomResources.TriggerAuthentication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code helm template} with each ci/*-values.yaml, read strictly into Kubernetes model classes, and what a reviewer
 * checks in the manifests: selectors, ports, probes, images, security, scaling, monitoring.
 */
class ChartTemplateTest {

    static List<Path> ciValuesFiles() {
        return Repo.ciValuesFiles();
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void everyServiceRunsAsOneWorkloadThatSelectsOnlyItsOwnPods(Path values) {
        List<Workload> workloads = Workload.of(HelmChart.render(values));

        assertThat(workloads).extracting(Workload::component).containsExactlyInAnyOrder(Component.values());
        assertThat(workloads).filteredOn(w -> w.component() == Component.METRICS_AGGREGATOR)
                .as("Kafka Streams keeps local state: a StatefulSet").extracting(Workload::kind).containsExactly("StatefulSet");
        for (Workload workload : workloads) {
            assertThat(workload.selectedBy(workload.selector())).as(workload.name() + " selects its own pods").isTrue();
            assertThat(workload.selector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", workload.component().module)
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE);
            for (Workload other : workloads) {
                if (other != workload) {
                    assertThat(other.selectedBy(workload.selector()))
                            .as(workload.name() + "'s selector must not match " + other.name() + "'s pods").isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void servicesSelectOneWorkloadAndTargetItsNamedPort(Path values) {
        Manifests manifests = HelmChart.render(values);
        List<Workload> workloads = Workload.of(manifests);

        assertThat(manifests.all(Service.class)).hasSize(Component.values().length);
        for (Service service : manifests.all(Service.class)) {
            List<Workload> selected = workloads.stream()
                    .filter(w -> Workload.selects(service.getSpec().getSelector(), w.podLabels())).toList();
            assertThat(selected).as("workloads behind Service " + service.getMetadata().getName()).hasSize(1);
            Set<String> portNames = portNames(selected.getFirst().container());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(port.getTargetPort().getStrVal()).as("targetPort of " + service.getMetadata().getName())
                        .isNotNull().isIn(portNames);
            }
        }
        Workload aggregator = workloads.stream().filter(w -> w.component() == Component.METRICS_AGGREGATOR).findFirst().orElseThrow();
        StatefulSet statefulSet = manifests.one(StatefulSet.class, aggregator.name());
        Service headless = manifests.one(Service.class, statefulSet.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).as("the StatefulSet's governing Service is headless").isEqualTo("None");
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void probesAskTheActuatorGroupsThroughADeclaredNamedPort(Path values) {
        for (Workload workload : Workload.of(HelmChart.render(values))) {
            Container container = workload.container();
            assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort)
                    .as("the port " + workload.component().module + " listens on").containsExactly(workload.component().port);
            Map<String, Probe> probes = Map.of("startup", container.getStartupProbe(), "liveness",
                    container.getLivenessProbe(), "readiness", container.getReadinessProbe());
            probes.forEach((kind, probe) -> {
                assertThat(probe).as(kind + " probe of " + workload.name()).isNotNull();
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get).as(kind + " probe of " + workload.name() + " is an HTTP GET").isNotNull();
                assertThat(get.getPort().getStrVal()).as(kind + " probe port of " + workload.name() + " is a name")
                        .isNotNull().isIn(portNames(container));
                assertThat(get.getPath()).isEqualTo(kind.equals("readiness")
                        ? "/actuator/health/readiness" : "/actuator/health/liveness");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void imagesCarryTheProjectVersion(Path values) {
        for (Workload workload : Workload.of(HelmChart.render(values))) {
            assertThat(workload.container().getImage()).isEqualTo(workload.component().image());
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void podsRunAsNonRootOnAReadOnlyRootWithOnlyTmpAndStateWritable(Path values) {
        Manifests manifests = HelmChart.render(values);
        for (Workload workload : Workload.of(manifests)) {
            PodSecurityContext pod = workload.template().getSpec().getSecurityContext();
            assertThat(pod.getRunAsNonRoot()).as(workload.name()).isTrue();
            assertThat(pod.getRunAsUser()).isEqualTo(10001L);
            SecurityContext container = workload.container().getSecurityContext();
            assertThat(container.getReadOnlyRootFilesystem()).as(workload.name()).isTrue();
            assertThat(container.getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(workload.template().getSpec().getAutomountServiceAccountToken()).isFalse();

            Map<String, String> mounts = workload.container().getVolumeMounts().stream()
                    .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
            Map<String, Volume> volumes = workload.template().getSpec().getVolumes().stream()
                    .collect(Collectors.toMap(Volume::getName, Function.identity()));
            assertThat(volumes.get(mounts.get("/tmp"))).as("/tmp of " + workload.name()).isNotNull()
                    .extracting(Volume::getEmptyDir).isNotNull();
            Set<String> writable = new HashSet<>(Set.of("/tmp"));
            if (workload.component() == Component.METRICS_AGGREGATOR) {
                String state = mounts.get("/var/lib/qaflow/aggregator");
                assertThat(state).as("the Kafka Streams state directory is a volume").isNotNull();
                boolean claim = workload.claimTemplates().stream().anyMatch(c -> c.getMetadata().getName().equals(state));
                assertThat(claim || (volumes.containsKey(state) && volumes.get(state).getEmptyDir() != null))
                        .as("state volume " + state + " is a claim template or an emptyDir").isTrue();
                writable.add("/var/lib/qaflow/aggregator");
            }
            assertThat(mounts.keySet()).as("writable paths of " + workload.name()).isEqualTo(writable);
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void configMapsReferencedByPodsAreRenderedAndCarryAChecksum(Path values) {
        Manifests manifests = HelmChart.render(values);
        Set<String> configMaps = manifests.all(ConfigMap.class).stream().map(c -> c.getMetadata().getName())
                .collect(Collectors.toSet());
        for (Workload workload : Workload.of(manifests)) {
            for (EnvFromSource from : workload.container().getEnvFrom()) {
                if (from.getConfigMapRef() != null) {
                    assertThat(configMaps).contains(from.getConfigMapRef().getName());
                }
            }
            assertThat(workload.template().getMetadata().getAnnotations().get("checksum/config"))
                    .as("checksum/config of " + workload.name()).matches("[0-9a-f]{64}");
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void disruptionBudgetsAndNetworkPoliciesSelectExistingPods(Path values) {
        Manifests manifests = HelmChart.render(values);
        List<Workload> workloads = Workload.of(manifests);
        for (PodDisruptionBudget pdb : manifests.all(PodDisruptionBudget.class)) {
            assertThat(workloads).as("pods of PDB " + pdb.getMetadata().getName())
                    .filteredOn(w -> w.selectedBy(pdb.getSpec().getSelector())).hasSize(1);
        }
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            List<Workload> selected = workloads.stream().filter(w -> w.selectedBy(policy.getSpec().getPodSelector())).toList();
            assertThat(selected).as("pods of NetworkPolicy " + policy.getMetadata().getName()).hasSize(1);
            Set<String> ports = portNames(selected.getFirst().container());
            policy.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(port ->
                    assertThat(port.getPort().getStrVal()).as("a NetworkPolicy port names a container port").isIn(ports)));
        }
        if (HelmChart.values(values).path("networkPolicy").path("enabled").asBoolean()) {
            assertThat(manifests.all(NetworkPolicy.class)).hasSize(Component.values().length);
        }
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void workersScaleOnLagAtMostToThePartitionCountAndTheGatewayOnCpu(Path values) {
        Manifests manifests = HelmChart.render(values);
        JsonNode chartValues = HelmChart.values(values);
        int partitions = chartValues.path("kafka").path("topics").path("partitions").asInt();
        Set<String> triggerAuthentications = manifests.allCustom(TriggerAuthentication.class).stream()
                .map(t -> t.metadata().getName()).collect(Collectors.toSet());
        for (ScaledObject scaled : manifests.allCustom(ScaledObject.class)) {
            Deployment target = manifests.one(Deployment.class, scaled.spec().scaleTargetRef().name());
            assertThat(target.getSpec().getReplicas()).as("KEDA owns the replicas of " + target.getMetadata().getName())
                    .isNull();
            assertThat(scaled.spec().maxReplicaCount()).as("more consumers than partitions sit idle")
                    .isPositive().isLessThanOrEqualTo(partitions);
            assertThat(scaled.spec().minReplicaCount()).isLessThanOrEqualTo(scaled.spec().maxReplicaCount());
            assertThat(scaled.spec().triggers()).singleElement().satisfies(trigger -> {
                assertThat(trigger.type()).isEqualTo("kafka");
                assertThat(trigger.metadata()).containsKeys("bootstrapServers", "consumerGroup", "topic", "lagThreshold")
                        .containsEntry("bootstrapServers", chartValues.path("kafka").path("bootstrapServers").asString());
                if (trigger.authenticationRef() != null) {
                    assertThat(triggerAuthentications).contains(trigger.authenticationRef().name());
                }
            });
        }
        Map<String, String> groups = manifests.allCustom(ScaledObject.class).stream().collect(Collectors.toMap(
                s -> s.spec().scaleTargetRef().name(), s -> s.spec().triggers().getFirst().metadata().get("consumerGroup")));
        groups.forEach((deployment, group) -> assertThat(group).isEqualTo(
                deployment.endsWith("embedder-worker") ? "qa-embedder" : "qa-answer-worker"));
        for (HorizontalPodAutoscaler hpa : manifests.all(HorizontalPodAutoscaler.class)) {
            Deployment target = manifests.one(Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
            assertThat(target.getSpec().getReplicas()).isNull();
            assertThat(hpa.getSpec().getMetrics()).singleElement()
                    .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
            assertThat(target.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources().getRequests())
                    .as("utilisation is measured against the CPU request").containsKey("cpu");
        }
        boolean keda = chartValues.path("embedderWorker").path("keda").path("enabled").asBoolean()
                || chartValues.path("answerWorker").path("keda").path("enabled").asBoolean();
        assertThat(manifests.allCustom(ScaledObject.class).isEmpty()).isEqualTo(!keda);
        assertThat(manifests.all(HorizontalPodAutoscaler.class).isEmpty())
                .isEqualTo(!chartValues.path("gateway").path("autoscaling").path("enabled").asBoolean());
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void monitoringResourcesCoverEveryServiceAndCarryTheRepositorysFiles(Path values) throws Exception {
        Manifests manifests = HelmChart.render(values);
        JsonNode monitoring = HelmChart.values(values).path("monitoring");
        List<ServiceMonitor> monitors = manifests.allCustom(ServiceMonitor.class);
        assertThat(monitors.isEmpty()).isEqualTo(!monitoring.path("serviceMonitor").path("enabled").asBoolean());
        for (ServiceMonitor monitor : monitors) {
            for (Service service : manifests.all(Service.class)) {
                assertThat(Workload.selects(monitor.spec().selector().getMatchLabels(), service.getMetadata().getLabels()))
                        .as("ServiceMonitor selects Service " + service.getMetadata().getName()).isTrue();
                Set<String> servicePorts = service.getSpec().getPorts().stream().map(ServicePort::getName)
                        .collect(Collectors.toSet());
                monitor.spec().endpoints().forEach(e -> {
                    assertThat(servicePorts).contains(e.port());
                    assertThat(e.path()).isEqualTo("/actuator/prometheus");
                });
            }
        }
        List<PrometheusRule> rules = manifests.allCustom(PrometheusRule.class);
        assertThat(rules.isEmpty()).isEqualTo(!monitoring.path("prometheusRule").path("enabled").asBoolean());
        RuleFile file = Manifests.STRICT.readValue(Repo.read(Repo.ALERT_RULES), RuleFile.class);
        rules.forEach(rule -> assertThat(rule.spec()).isEqualTo(file));

        List<ConfigMap> dashboards = manifests.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().endsWith("-dashboards")).toList();
        assertThat(dashboards.isEmpty()).isEqualTo(!monitoring.path("dashboards").path("enabled").asBoolean());
        try (Stream<Path> files = Files.list(Repo.DASHBOARDS)) {
            Map<String, String> expected = files.collect(Collectors.toMap(p -> p.getFileName().toString(), Repo::read));
            dashboards.forEach(d -> {
                assertThat(d.getData().keySet()).isEqualTo(expected.keySet());
                expected.forEach((name, json) -> assertThat(d.getData().get(name)).isEqualTo(json.strip()));
                assertThat(d.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            });
        }
    }

    @Test
    void theConfigChecksumChangesWithTheSettingsOfThatServiceOrOfAll() {
        Path defaults = Repo.CHART.resolve("ci/default-values.yaml");
        Map<String, String> before = checksums(HelmChart.render(defaults));
        Map<String, String> gatewayChanged = checksums(HelmChart.render(
                Map.of("gateway.env.QAFLOW_GATEWAY_DEFAULT_TIMEOUT", "25s"), defaults));
        Map<String, String> kafkaChanged = checksums(HelmChart.render(
                Map.of("kafka.bootstrapServers", "other-kafka:9092"), defaults));

        assertThat(before).hasSize(Component.values().length);
        before.forEach((workload, checksum) -> {
            if (workload.endsWith("-gateway")) {
                assertThat(gatewayChanged.get(workload)).as(workload).isNotEqualTo(checksum);
            } else {
                assertThat(gatewayChanged.get(workload)).as(workload + ": the gateway's settings are not its own")
                        .isEqualTo(checksum);
            }
            assertThat(kafkaChanged.get(workload)).as(workload + ": the shared settings changed").isNotEqualTo(checksum);
        });
        assertThat(checksums(HelmChart.render(defaults))).as("the same values, the same checksums").isEqualTo(before);
    }

    @Test
    void kedaIsRefusedMoreReplicasThanPartitions() {
        assertThatThrownBy(() -> HelmChart.template(Map.of("embedderWorker.keda.enabled", true,
                "embedderWorker.keda.maxReplicas", 7, "kafka.topics.partitions", 6)))
                .hasMessageContaining("embedderWorker.keda.maxReplicas (7) exceeds kafka.topics.partitions (6)");
        ScaledObject atTheCeiling = HelmChart.render(Map.of("answerWorker.keda.enabled", true,
                "answerWorker.keda.maxReplicas", 6, "kafka.topics.partitions", 6)).allCustom(ScaledObject.class).getFirst();
        assertThat(atTheCeiling.spec().maxReplicaCount()).isEqualTo(6);
        ScaledObject byDefault = HelmChart.render(Map.of("answerWorker.keda.enabled", true, "kafka.topics.partitions", 9))
                .allCustom(ScaledObject.class).getFirst();
        assertThat(byDefault.spec().maxReplicaCount()).as("maxReplicas 0: the partition count").isEqualTo(9);
    }

    @Test
    void readingIsStrictAnUnknownFieldFails() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 1
                  replicaz: 2
                """;
        assertThatThrownBy(() -> Manifests.parse(deployment)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("replicaz");
        String scaledObject = """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: x}
                spec: {maxReplicas: 3}
                """;
        assertThatThrownBy(() -> Manifests.parse(scaledObject)).hasMessageContaining("maxReplicas");
        assertThatThrownBy(() -> Manifests.parse("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"))
                .hasMessageContaining("kind the tests do not know: Pod");
    }

    private static Map<String, String> checksums(Manifests manifests) {
        return Workload.of(manifests).stream().collect(Collectors.toMap(Workload::name,
                w -> w.template().getMetadata().getAnnotations().get("checksum/config")));
    }

    private static Set<String> portNames(Container container) {
        return container.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
    }
}
