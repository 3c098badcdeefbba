package io.qaflow.deployment;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * helm/qaflow through the real Helm engine (helm-java: Helm's Go code as a native library inside a Maven jar).
 * Release "qaflow" in namespace "qaflow", Kubernetes 1.31 as the target.
 */
final class HelmChart {
    static final String RELEASE = "qaflow";
    static final String NAMESPACE = "qaflow";
    static final String KUBE_VERSION = "1.31.0";

    private HelmChart() {}

    /** {@code helm template} with the given values files (in order) and --set values; throws when Helm refuses. */
    static String template(Map<String, Object> sets, Path... valuesFiles) {
        TemplateCommand command = new Helm(Repo.CHART).template()
                .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }

    static Manifests render(Path... valuesFiles) {
        return Manifests.parse(template(Map.of(), valuesFiles));
    }

    static Manifests render(Map<String, Object> sets, Path... valuesFiles) {
        return Manifests.parse(template(sets, valuesFiles));
    }

    /** {@code helm lint --strict} of the chart as it is. */
    static LintResult lint() {
        return new Helm(Repo.CHART).lint().strict().call();
    }

    /**
     * {@code helm lint --strict -f valuesFile}. helm-java's lint takes no values file, so this lints a copy of the
     * chart (under target/) whose values.yaml is the chart's, coalesced with the file the way Helm coalesces values:
     * maps merge key by key, anything else replaces, null removes.
     */
    static LintResult lint(Path valuesFile) {
        Path copy = Path.of("target", "lint", valuesFile.getFileName().toString().replace(".yaml", ""), "qaflow")
                .toAbsolutePath();
        try {
            deleteRecursively(copy);
            copyRecursively(Repo.CHART, copy);
            Files.writeString(copy.resolve("values.yaml"), Manifests.STRICT.writeValueAsString(values(valuesFile)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    /** The values the chart sees with these files: its values.yaml coalesced with each file in turn. */
    static ObjectNode values(Path... valuesFiles) {
        ObjectNode values = (ObjectNode) Manifests.STRICT.readTree(Repo.read(Repo.CHART.resolve("values.yaml")));
        for (Path file : valuesFiles) {
            JsonNode overrides = Manifests.STRICT.readTree(Repo.read(file));
            if (overrides != null && overrides.isObject()) {
                coalesce(values, (ObjectNode) overrides);
            }
        }
        return values;
    }

    private static void coalesce(ObjectNode into, ObjectNode from) {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        from.properties().forEach(e -> entries.put(e.getKey(), e.getValue()));
        entries.forEach((key, value) -> {
            if (value.isNull()) {
                into.remove(key);
            } else if (value.isObject() && into.get(key) instanceof ObjectNode existing) {
                coalesce(existing, (ObjectNode) value);
            } else {
                into.set(key, value);
            }
        });
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
