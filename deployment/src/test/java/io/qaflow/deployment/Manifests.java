package io.qaflow.deployment;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.qaflow.deployment.CustomResources.PrometheusRule;
import io.qaflow.deployment.CustomResources.ScaledObject;
import io.qaflow.deployment.CustomResources.ServiceMonitor;
import io.qaflow.deployment.CustomResources.TriggerAuthentication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The output of {@code helm template}, every document read strictly into its Kubernetes model class: fabric8's for
 * the built-in kinds, {@link CustomResources} for KEDA and the Prometheus Operator. Strictly: an unknown property
 * fails (fabric8's classes would otherwise keep it in {@code additionalProperties}, and the API server would drop
 * it or refuse it), a kind the tests do not know fails, and every document has apiVersion, kind and a name.
 */
record Manifests(List<HasMetadata> builtIn, List<Object> custom, List<JsonNode> documents) {

    /** Kinds the chart renders, with the apiVersion it must use for each. */
    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("ConfigMap", new Kind("v1", ConfigMap.class)),
            Map.entry("Service", new Kind("v1", Service.class)),
            Map.entry("ServiceAccount", new Kind("v1", ServiceAccount.class)),
            Map.entry("Deployment", new Kind("apps/v1", Deployment.class)),
            Map.entry("StatefulSet", new Kind("apps/v1", StatefulSet.class)),
            Map.entry("HorizontalPodAutoscaler", new Kind("autoscaling/v2", HorizontalPodAutoscaler.class)),
            Map.entry("PodDisruptionBudget", new Kind("policy/v1", PodDisruptionBudget.class)),
            Map.entry("NetworkPolicy", new Kind("networking.k8s.io/v1", NetworkPolicy.class)),
            Map.entry("ScaledObject", new Kind("keda.sh/v1alpha1", ScaledObject.class)),
            Map.entry("TriggerAuthentication", new Kind("keda.sh/v1alpha1", TriggerAuthentication.class)),
            Map.entry("ServiceMonitor", new Kind("monitoring.coreos.com/v1", ServiceMonitor.class)),
            Map.entry("PrometheusRule", new Kind("monitoring.coreos.com/v1", PrometheusRule.class)));

    private record Kind(String apiVersion, Class<?> type) {}

    /** Reads YAML strictly: unknown properties fail, and fabric8's any-setters are not used. */
    static final YAMLMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .annotationIntrospector(new NoAnySetter())
            .build();

    static Manifests parse(String rendered) {
        List<HasMetadata> builtIn = new ArrayList<>();
        List<Object> custom = new ArrayList<>();
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = STRICT.readerFor(JsonNode.class).readValues(rendered)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String kind = doc.path("kind").asString();
                Kind known = KINDS.get(kind);
                if (known == null) {
                    throw new AssertionError("the chart renders a kind the tests do not know: " + kind + "\n" + doc);
                }
                if (!known.apiVersion().equals(doc.path("apiVersion").asString())) {
                    throw new AssertionError(kind + " " + doc.path("metadata").path("name").asString()
                            + " has apiVersion " + doc.path("apiVersion").asString() + ", expected " + known.apiVersion());
                }
                if (doc.path("metadata").path("name").asString().isBlank()) {
                    throw new AssertionError("a " + kind + " without a name:\n" + doc);
                }
                Object typed;
                try {
                    typed = STRICT.treeToValue(doc, known.type());
                } catch (RuntimeException e) {
                    throw new AssertionError(kind + " " + doc.path("metadata").path("name").asString()
                            + " does not read strictly as " + known.type().getSimpleName() + ": " + e.getMessage(), e);
                }
                documents.add(doc);
                if (typed instanceof HasMetadata resource) {
                    builtIn.add(resource);
                } else {
                    custom.add(typed);
                }
            }
        }
        return new Manifests(List.copyOf(builtIn), List.copyOf(custom), List.copyOf(documents));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return builtIn.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> List<T> allCustom(Class<T> type) {
        return custom.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    /** Leaves @JsonAnySetter out, so a property the model class does not declare is an error. */
    private static final class NoAnySetter extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
            return Boolean.FALSE;
        }
    }
}
