package io.qaflow.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where things are in the repository, found from this module's directory (the tests' working directory). */
final class Repo {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    static final Path CHART = ROOT.resolve("helm/qaflow");
    static final Path DASHBOARDS = CHART.resolve("files/dashboards");
    static final Path ALERT_RULES = CHART.resolve("files/alerts/qaflow.rules.yml");
    static final Path METRICS_LIST = CHART.resolve("files/metrics.txt");
    static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    static final Path COMPOSE_DIR = ROOT.resolve("deploy/compose");

    private Repo() {}

    /** The project version (Maven's), which the images and the chart's appVersion carry. */
    static String version() {
        String version = System.getProperty("qaflow.version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("system property qaflow.version is not set: run the tests through Maven");
        }
        return version;
    }

    /** The values files the chart is tested with: helm/qaflow/ci/*-values.yaml. */
    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
