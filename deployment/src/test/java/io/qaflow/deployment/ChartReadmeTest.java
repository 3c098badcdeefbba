package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** helm/qaflow/README.md lists every value of values.yaml (as `<service>.x` where all five services have it). */
class ChartReadmeTest {
    private static final Set<String> SERVICES = Arrays.stream(Component.values()).map(c -> c.valuesKey)
            .collect(Collectors.toSet());
    /** Whole objects documented as one value. */
    private static final Set<String> OBJECTS = Set.of("podSecurityContext", "containerSecurityContext", "requests", "limits");

    @Test
    void everyValueIsDocumented() {
        String readme = Repo.read(Repo.CHART.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (String path : leaves(HelmChart.values(), "")) {
            String top = path.substring(0, path.contains(".") ? path.indexOf('.') : path.length());
            String generic = "<service>" + path.substring(top.length());
            if (!readme.contains("`" + path + "`") && !(SERVICES.contains(top) && readme.contains("`" + generic + "`"))) {
                missing.add(path);
            }
        }
        assertThat(missing).as("values missing from helm/qaflow/README.md").isEmpty();
    }

    private static List<String> leaves(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        node.properties().forEach(e -> {
            String path = prefix + e.getKey();
            if (e.getValue().isObject() && !e.getValue().isEmpty() && !OBJECTS.contains(e.getKey())) {
                paths.addAll(leaves(e.getValue(), path + "."));
            } else {
                paths.add(path);
            }
        });
        return paths;
    }
}
