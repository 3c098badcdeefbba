package io.qaflow.deployment;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A Deployment or a StatefulSet of the rendered chart, with what the tests look at. */
record Workload(String kind, String name, Component component, LabelSelector selector, PodTemplateSpec template,
                Integer replicas, List<PersistentVolumeClaim> claimTemplates) {

    static List<Workload> of(Manifests manifests) {
        return Stream.concat(
                manifests.all(Deployment.class).stream().map(d -> new Workload("Deployment", d.getMetadata().getName(),
                        component(d.getMetadata().getLabels()), d.getSpec().getSelector(), d.getSpec().getTemplate(),
                        d.getSpec().getReplicas(), List.of())),
                manifests.all(StatefulSet.class).stream().map(s -> new Workload("StatefulSet", s.getMetadata().getName(),
                        component(s.getMetadata().getLabels()), s.getSpec().getSelector(), s.getSpec().getTemplate(),
                        s.getSpec().getReplicas(), s.getSpec().getVolumeClaimTemplates())))
                .toList();
    }

    private static Component component(Map<String, String> labels) {
        String module = labels.get("app.kubernetes.io/component");
        return Component.ofModule(module).orElseThrow(() -> new AssertionError("no qaflow component " + module));
    }

    Map<String, String> podLabels() {
        return template.getMetadata().getLabels();
    }

    Container container() {
        List<Container> containers = template.getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(name + " has " + containers.size() + " containers, expected 1");
        }
        return containers.getFirst();
    }

    /** True when every matchLabels entry of {@code selector} is among {@code labels} (no expressions used here). */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    boolean selectedBy(LabelSelector selector) {
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("the chart uses no matchExpressions; the test does not evaluate them");
        }
        return selects(selector.getMatchLabels(), podLabels());
    }
}
