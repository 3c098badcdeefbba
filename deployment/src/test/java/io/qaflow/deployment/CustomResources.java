package io.qaflow.deployment;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * The custom resources the chart renders, as records of the fields it may use (from the KEDA 2.x and Prometheus
 * Operator CRDs). {@link Manifests} reads them with unknown properties refused, so a misspelt or misplaced field
 * fails the tests instead of being dropped by the cluster.
 */
final class CustomResources {
    private CustomResources() {}

    /** keda.sh/v1alpha1 ScaledObject. */
    record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, ScaledObjectSpec spec) {}

    record ScaledObjectSpec(ScaleTargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
                            Integer pollingInterval, Integer cooldownPeriod, Integer idleReplicaCount,
                            List<Trigger> triggers) {}

    record ScaleTargetRef(String apiVersion, String kind, String name) {}

    record Trigger(String type, String name, Map<String, String> metadata, AuthenticationRef authenticationRef) {}

    record AuthenticationRef(String name, String kind) {}

    /** keda.sh/v1alpha1 TriggerAuthentication (secret references only). */
    record TriggerAuthentication(String apiVersion, String kind, ObjectMeta metadata, TriggerAuthenticationSpec spec) {}

    record TriggerAuthenticationSpec(List<SecretTargetRef> secretTargetRef) {}

    record SecretTargetRef(String parameter, String name, String key) {}

    /** monitoring.coreos.com/v1 ServiceMonitor. */
    record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec) {}

    record ServiceMonitorSpec(LabelSelector selector, NamespaceSelector namespaceSelector, List<Endpoint> endpoints,
                              String jobLabel) {}

    record NamespaceSelector(Boolean any, List<String> matchNames) {}

    record Endpoint(String port, String path, String interval, String scrapeTimeout, String scheme) {}

    /** monitoring.coreos.com/v1 PrometheusRule; also the shape of a Prometheus rule file ({groups: …}). */
    record PrometheusRule(String apiVersion, String kind, ObjectMeta metadata, RuleFile spec) {}

    record RuleFile(List<RuleGroup> groups) {}

    record RuleGroup(String name, String interval, List<Rule> rules) {}

    record Rule(String alert, String record, String expr, @JsonProperty("for") String forDuration,
                @JsonProperty("keep_firing_for") String keepFiringFor,
                Map<String, String> labels, Map<String, String> annotations) {}
}
