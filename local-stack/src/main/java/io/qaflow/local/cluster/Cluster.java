package io.qaflow.local.cluster;

import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.local.IndexProgress;
import io.qaflow.local.SampleCorpus;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.squad.Squad;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * qaflow as a distributed system on this machine: three Kafka brokers (KRaft) as separate OS processes, the catalog
 * topics with replication factor 3 and min.insync.replicas 2, a real redis-server, the project's fake
 * OpenAI-compatible LLM, and every service as its own process from its executable jar, configured only by
 * environment variables and arguments: two replicas each of gateway, embedder and answer worker, one aggregator, one
 * experiment controller. Everything keeps its data under {@code dataDir}, so a cluster stopped with {@link #down}
 * comes back with {@link #up} on the same topics, corpus, experiments and aggregates.
 */
public final class Cluster implements AutoCloseable {
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final String REDIS_BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private final ClusterLayout layout;
    private final String javaBinary;
    private final String classpath;
    private final ProcessControl processes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String clusterId;
    private final Options options;

    /**
     * What a cluster runs with beyond its layout.
     *
     * @param tracesEndpoint the OTLP/HTTP traces endpoint every service exports to, or null for no export
     * @param llmApiKey the key the answer workers send to the fake LLM, which refuses calls without it
     */
    public record Options(String tracesEndpoint, String llmApiKey) {
        public static Options defaults() {
            return new Options(null, "fake-llm-key");
        }

        public Options withTraces(String endpoint) {
            return new Options(endpoint, llmApiKey);
        }

        public Options withLlmApiKey(String key) {
            return new Options(tracesEndpoint, key);
        }
    }

    /**
     * @param javaBinary the java that runs every process
     * @param classpath the classpath of brokers and the fake LLM (the local-stack module's)
     */
    public Cluster(ClusterLayout layout, String javaBinary, String classpath, Options options) {
        this.layout = layout;
        this.javaBinary = javaBinary;
        this.classpath = classpath;
        this.options = options;
        this.processes = new ProcessControl(layout);
        this.clusterId = clusterId(layout.dataDir());
    }

    public ClusterLayout layout() {
        return layout;
    }

    /** Starts what is not running yet, waits until every service is ready, ingests the sample corpus once. */
    public void up(Consumer<String> console) {
        for (ClusterLayout.Service service : layout.services()) {
            Path jar = jar(service.module());
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: build first (./qaflow build)");
            }
        }
        console.accept("Kafka: 3 brokers (KRaft) at " + layout.bootstrapServers());
        layout.brokerIds().forEach(node -> processes.start(broker(node)));
        awaitBrokers(layout.brokerIds().size(), START_TIMEOUT);
        try (Admin admin = admin()) {
            TopicProvisioner.replicated(ClusterLayout.PARTITIONS, (short) 3, 2).provision(admin);
        }
        console.accept("Topics: replication factor 3, min.insync.replicas 2, " + ClusterLayout.PARTITIONS
                + " partitions each");
        processes.start(redis());
        processes.start(fakeLlm());
        console.accept("Redis at " + layout.redisUrl() + "; fake LLM at " + layout.llmBaseUrl());
        for (ClusterLayout.Service service : layout.services()) {
            processes.start(service(service));
        }
        console.accept("Services starting (each its own JVM; the embedders load the model) …");
        for (ClusterLayout.Service service : layout.services()) {
            awaitReady(service, START_TIMEOUT);
            console.accept("  " + service.name() + " ready at " + service.url());
        }
        loadCorpus(console);
    }

    /** Starts one process again (after a kill or stop) and waits until it is ready. */
    public void start(String name, Duration timeout) {
        ProcessSpec spec = spec(name);
        processes.start(spec);
        if (name.startsWith("kafka-")) {
            awaitBrokers(layout.brokerIds().size(), timeout);
        } else if (spec.readiness() != null) {
            awaitReady(layout.service(name), timeout);
        } else if (name.equals("redis")) {
            awaitPort(layout.redisPort(), timeout);
        }
    }

    /** SIGKILL: a crash, no clean shutdown. */
    public long kill(String name) {
        return processes.kill(name);
    }

    /** SIGTERM and a bounded wait; SIGKILL after that. */
    public void stop(String name) {
        processes.stop(name, STOP_GRACE);
    }

    public Optional<Long> pid(String name) {
        return processes.handle(name).map(ProcessHandle::pid);
    }

    /** Stops everything, gateways first and brokers last; nothing of the cluster runs afterwards. */
    public void down(Consumer<String> console) {
        List<String> order = new ArrayList<>(layout.services().reversed().stream()
                .map(ClusterLayout.Service::name).toList());
        order.addAll(List.of("fake-llm", "redis"));
        layout.brokerIds().reversed().forEach(node -> order.add("kafka-" + node));
        for (String name : order) {
            if (processes.stop(name, STOP_GRACE)) {
                console.accept("stopped " + name);
            }
        }
    }

    /** One line per process: name, pid or "-", what it serves, its health, where it logs. */
    public List<String> status() {
        List<String> lines = new ArrayList<>();
        for (String name : processNames()) {
            Optional<Long> pid = pid(name);
            String endpoint = endpoint(name);
            String health = pid.isEmpty() ? "stopped" : health(name);
            lines.add(String.format("%-22s %-8s %-34s %-10s %s", name, pid.map(String::valueOf).orElse("-"), endpoint,
                    health, layout.logOf(name)));
        }
        return lines;
    }

    public List<String> processNames() {
        List<String> names = new ArrayList<>();
        layout.brokerIds().forEach(node -> names.add("kafka-" + node));
        names.add("redis");
        names.add("fake-llm");
        layout.services().forEach(service -> names.add(service.name()));
        return names;
    }

    /** The broker that leads the most partitions of the catalog topics now. */
    public int brokerLeadingMostPartitions() {
        try (Admin admin = admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(Topics.ALL.stream()
                    .map(t -> t.name()).toList()).allTopicNames().get();
            Map<Integer, Long> led = topics.values().stream().flatMap(t -> t.partitions().stream())
                    .filter(p -> p.leader() != null)
                    .collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()));
            return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the topics", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    // ---------------------------------------------------------------------------------------------- processes

    private ProcessSpec spec(String name) {
        if (name.startsWith("kafka-")) {
            return broker(Integer.parseInt(name.substring("kafka-".length())));
        }
        return switch (name) {
            case "redis" -> redis();
            case "fake-llm" -> fakeLlm();
            default -> service(layout.service(name));
        };
    }

    private ProcessSpec broker(int node) {
        return new ProcessSpec("kafka-" + node, List.of(javaBinary, "-Xms256m", "-Xmx768m", "-XX:+UseSerialGC",
                "-cp", classpath, BrokerMain.class.getName(), String.valueOf(node),
                String.valueOf(layout.brokerPort(node)), String.valueOf(layout.brokerControllerPort(node)),
                layout.controllerVoters(), clusterId, layout.dataDir().resolve("kafka-" + node).toString()),
                Map.of(), null);
    }

    private ProcessSpec redis() {
        Path dir = layout.dataDir().resolve("redis");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProcessSpec("redis", List.of(redisBinary().toString(), "--port", String.valueOf(layout.redisPort()),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--appendonly", "yes", "--save", "",
                "--protected-mode", "no"), Map.of(), null);
    }

    private ProcessSpec fakeLlm() {
        return new ProcessSpec("fake-llm", List.of(javaBinary, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath,
                "io.qaflow.testkit.fakellm.FakeOpenAiServer", "--port", String.valueOf(layout.llmPort()),
                "--latency-ms", "40", "--jitter-ms", "20", "--api-key", options.llmApiKey()), Map.of(), null);
    }

    /** A service from its executable jar, configured by environment variables and arguments only. */
    private ProcessSpec service(ClusterLayout.Service service) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_PORT", String.valueOf(service.port()));
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", layout.bootstrapServers());
        env.put("QAFLOW_REDIS_URL", layout.redisUrl());
        env.put("QAFLOW_KAFKA_TOPICS_PARTITIONS", String.valueOf(ClusterLayout.PARTITIONS));
        env.put("QAFLOW_KAFKA_TOPICS_REPLICATION_FACTOR", "3");
        env.put("QAFLOW_KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "2");
        // every question reaches the answer workers: the drills exercise the whole pipeline
        env.put("QAFLOW_CACHE_SEMANTIC_ENABLED", "false");
        // as the chart and compose do: latency histograms for the dashboards (dashes dropped: with underscores the
        // variable would also bind into the `percentiles` map, and the service would not start)
        env.put("MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS", "true");
        if (options.tracesEndpoint() != null) {
            env.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", options.tracesEndpoint());
        }
        List<String> arguments = new ArrayList<>();
        switch (service.module()) {
            case "gateway" -> {
                env.put("QAFLOW_GATEWAY_INSTANCE_ID", service.name());
                env.put("QAFLOW_GATEWAY_WARMING_INTERVAL", "0s"); // no traffic of its own beside the clients'
            }
            case "embedder-worker" -> {
                Path djl = layout.dataDir().resolve("djl-" + service.name());
                env.put("DJL_CACHE_DIR", djl.toString());
                env.put("ENGINE_CACHE_DIR", djl.toString());
            }
            case "answer-worker" -> {
                env.put("QAFLOW_ANSWER_LLM_BASE_URL", layout.llmBaseUrl());
                env.put("QAFLOW_ANSWER_LLM_API_KEY", options.llmApiKey());
                env.put("QAFLOW_ANSWER_LLM_MODEL", "fake-gpt");
                arguments.add("--qaflow.answer.prices.fake-gpt.input-per-million=0.15");
                arguments.add("--qaflow.answer.prices.fake-gpt.output-per-million=0.60");
            }
            case "metrics-aggregator" -> {
                env.put("QAFLOW_AGGREGATOR_STREAMS_STATE_DIR", layout.dataDir().resolve("aggregator").toString());
                env.put("QAFLOW_AGGREGATOR_STREAMS_ADVERTISED_HOST", "127.0.0.1");
            }
            case "experiment-controller" -> env.put("QAFLOW_EXPERIMENT_CONTROLLER_AGGREGATOR_URL",
                    layout.service("metrics-aggregator").url().toString());
            default -> throw new IllegalArgumentException(service.module());
        }
        // the embedder rewrites its ONNX graph at start, which briefly needs a few hundred MB more than it serves with
        String heap = service.module().equals("embedder-worker") ? "-Xmx1g" : "-Xmx512m";
        List<String> command = new ArrayList<>(List.of(javaBinary, "-Xms128m", heap, "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", jar(service.module()).toString()));
        command.addAll(arguments);
        return new ProcessSpec(service.name(), command, env, service.url().resolve("/actuator/health/readiness"));
    }

    private Path jar(String module) {
        return layout.repository().resolve(module).resolve("target").resolve(module + "-" + VERSION + "-exec.jar");
    }

    /** The redis-server binary shipped in the embedded-redis jar, copied out once. */
    private Path redisBinary() {
        Path binary = layout.dataDir().resolve("bin").resolve("redis-server");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        try (InputStream in = Cluster.class.getClassLoader().getResourceAsStream(REDIS_BINARY)) {
            if (in == null) {
                throw new IllegalStateException(REDIS_BINARY + " is not on the classpath (embedded-redis jar)");
            }
            Files.createDirectories(binary.getParent());
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the redis-server binary", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- readiness

    private void awaitBrokers(int expected, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < until) {
            try (Admin admin = admin()) {
                int brokers = admin.describeCluster().nodes().get().size();
                if (brokers >= expected) {
                    return;
                }
                last = brokers + " of " + expected + " brokers";
            } catch (Exception e) {
                last = e.toString();
            }
            pause(Duration.ofMillis(500));
        }
        throw new IllegalStateException("Kafka did not have " + expected + " brokers within " + timeout + ": " + last);
    }

    private void awaitReady(ClusterLayout.Service service, Duration timeout) {
        URI readiness = service.url().resolve("/actuator/health/readiness");
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (processes.handle(service.name()).isEmpty()) {
                throw new IllegalStateException(service.name() + " exited; see " + layout.logOf(service.name()));
            }
            if (statusOf(readiness) == 200) {
                return;
            }
            pause(Duration.ofMillis(500));
        }
        throw new IllegalStateException(service.name() + " not ready within " + timeout + "; see "
                + layout.logOf(service.name()));
    }

    private void awaitPort(int port, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                pause(Duration.ofMillis(200));
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + timeout);
    }

    private int statusOf(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String health(String name) {
        if (name.startsWith("kafka-") || name.equals("redis") || name.equals("fake-llm")) {
            return "running";
        }
        int status = statusOf(layout.service(name).url().resolve("/actuator/health/readiness"));
        return status == 200 ? "ready" : status < 0 ? "starting" : "not-ready";
    }

    private String endpoint(String name) {
        if (name.startsWith("kafka-")) {
            return "127.0.0.1:" + layout.brokerPort(Integer.parseInt(name.substring(6)));
        }
        return switch (name) {
            case "redis" -> layout.redisUrl();
            case "fake-llm" -> layout.llmBaseUrl();
            default -> layout.service(name).url().toString();
        };
    }

    // ---------------------------------------------------------------------------------------------- corpus

    private void loadCorpus(Consumer<String> console) {
        List<Squad.Paragraph> paragraphs = Squad.superBowl50().paragraphs();
        long stored = storedDocumentRecords();
        if (stored < paragraphs.size()) {
            console.accept("Ingesting the sample corpus (SQuAD Super_Bowl_50, " + paragraphs.size()
                    + " paragraphs, CC BY-SA 4.0) through gateway-1 …");
            new SampleCorpus(http, layout.gateways().getFirst().url()).ingest(paragraphs, n -> { });
        }
        for (ClusterLayout.Service embedder : layout.services()) {
            if (embedder.module().equals("embedder-worker")) {
                IndexProgress.Status status = new IndexProgress(http, embedder.url())
                        .awaitIndexed(paragraphs.size(), START_TIMEOUT, s -> { });
                console.accept("  " + embedder.name() + " indexed " + status.documents() + " documents ("
                        + status.chunks() + " chunks)");
            }
        }
    }

    private long storedDocumentRecords() {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(Topics.DOCUMENTS.name())).allTopicNames()
                    .get().get(Topics.DOCUMENTS.name());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(p -> latest.put(new TopicPartition(Topics.DOCUMENTS.name(),
                    p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read " + Topics.DOCUMENTS.name(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The cluster's id, made at the first start and kept with the data: the brokers' logs are formatted with it. */
    private static String clusterId(Path dataDir) {
        ClusterFile file = new ClusterFile(dataDir);
        return file.get("cluster.id").orElseGet(() -> {
            String id = Uuid.randomUuid().toString();
            file.put("cluster.id", id);
            return id;
        });
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
