package io.qaflow.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** The five services: Maven module (= image and Kubernetes component name), block in values.yaml, HTTP port. */
enum Component {
    GATEWAY("gateway", "gateway", 8080),
    EMBEDDER_WORKER("embedder-worker", "embedderWorker", 8091),
    ANSWER_WORKER("answer-worker", "answerWorker", 8092),
    METRICS_AGGREGATOR("metrics-aggregator", "metricsAggregator", 8082),
    EXPERIMENT_CONTROLLER("experiment-controller", "experimentController", 8081);

    final String module;
    final String valuesKey;
    final int port;

    Component(String module, String valuesKey, int port) {
        this.module = module;
        this.valuesKey = valuesKey;
        this.port = port;
    }

    /** The image the chart and compose must run: qaflow/<module>:<project version>. */
    String image() {
        return "qaflow/" + module + ":" + Repo.version();
    }

    /** The service's executable jar, built by the reactor before this module. */
    Path executableJar() {
        Path jar = Repo.ROOT.resolve(module).resolve("target").resolve(module + "-" + Repo.version() + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -q package -DskipTests -pl "
                    + module + " -am); `./mvnw verify` builds it before this module");
        }
        return jar;
    }

    static Optional<Component> ofModule(String module) {
        return Arrays.stream(values()).filter(c -> c.module.equals(module)).findFirst();
    }

    /** The component whose image {@code image} is ([registry/]qaflow/<module>:<tag>), if any. */
    static Optional<Component> ofImage(String image) {
        String withoutTag = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
        String module = withoutTag.substring(withoutTag.lastIndexOf('/') + 1);
        return withoutTag.contains("qaflow/") ? ofModule(module) : Optional.empty();
    }
}
