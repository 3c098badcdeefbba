package io.qaflow.local.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where every process of the local cluster listens and keeps its data: fixed offsets from one base port, one data
 * directory (kept across {@code down}/{@code up}), and the repository whose executable jars the services run.
 *
 * @param repository the project's root, where {@code <module>/target/<module>-<version>-exec.jar} are
 * @param dataDir the cluster's data, logs and pid files
 * @param basePort the port every other port is an offset of (29000 by default)
 */
public record ClusterLayout(Path repository, Path dataDir, int basePort) {
    public static final int DEFAULT_BASE_PORT = 29000;
    public static final int BROKERS = 3;
    /** Partitions of every topic: two replicas of a worker get three each. */
    public static final int PARTITIONS = 6;

    /** A service replica: its name, module and HTTP port. */
    public record Service(String name, String module, int port) {
        public URI url() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    public int brokerPort(int node) {
        return basePort + 300 + node;
    }

    public int brokerControllerPort(int node) {
        return basePort + 310 + node;
    }

    public int redisPort() {
        return basePort + 379;
    }

    public int llmPort() {
        return basePort + 99;
    }

    public List<Integer> brokerIds() {
        return IntStream.rangeClosed(1, BROKERS).boxed().toList();
    }

    public String bootstrapServers() {
        return brokerIds().stream().map(n -> "127.0.0.1:" + brokerPort(n)).collect(Collectors.joining(","));
    }

    public String controllerVoters() {
        return brokerIds().stream().map(n -> n + "@127.0.0.1:" + brokerControllerPort(n))
                .collect(Collectors.joining(","));
    }

    public String redisUrl() {
        return "redis://127.0.0.1:" + redisPort();
    }

    public String llmBaseUrl() {
        return "http://127.0.0.1:" + llmPort() + "/v1";
    }

    /** Every service replica, in start order: embedders and answer workers first, gateways last. */
    public List<Service> services() {
        List<Service> services = new ArrayList<>();
        services.add(new Service("embedder-1", "embedder-worker", basePort + 91));
        services.add(new Service("embedder-2", "embedder-worker", basePort + 191));
        services.add(new Service("answer-worker-1", "answer-worker", basePort + 92));
        services.add(new Service("answer-worker-2", "answer-worker", basePort + 192));
        services.add(new Service("metrics-aggregator", "metrics-aggregator", basePort + 82));
        services.add(new Service("experiment-controller", "experiment-controller", basePort + 81));
        services.add(new Service("gateway-1", "gateway", basePort + 80));
        services.add(new Service("gateway-2", "gateway", basePort + 180));
        return services;
    }

    public Service service(String name) {
        return services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }

    public List<Service> gateways() {
        return services().stream().filter(s -> s.module().equals("gateway")).toList();
    }

    public Path logs() {
        return dataDir.resolve("logs");
    }

    public Path pids() {
        return dataDir.resolve("pids");
    }

    public Path logOf(String process) {
        return logs().resolve(process + ".log");
    }
}
