package io.qaflow.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every service's image tar, as {@code ./qaflow images} builds it: its OCI layout says what a runtime needs
 * (entrypoint, non-root user, port, labels, environment, volumes), and the image really starts — its layers unpacked
 * in order into a root file system, its entrypoint run there by {@link ContainerProcess} (own namespaces, chroot,
 * the image's user and environment, read-only root) against a real Kafka broker and Redis on 127.0.0.1 — until
 * {@code /actuator/health/readiness} answers 200 and {@code /actuator/health} is UP. A library missing from the
 * image, a wrong path or a write outside /tmp and the declared volumes fails here. One image at a time (2 cores).
 */
class ImagesIT {
    private static final Path ROOT = Path.of(System.getProperty("qaflow.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("qaflow.version", "0.1.0-SNAPSHOT");
    private static final Path WORK = ROOT.resolve("images/target/images-it");
    private static final int UID = 10001;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedRedis redis;

    /** What an image must be: the contract in images/README.md, which the chart and compose rely on. */
    record Expected(String module, int port, String mainClass, Map<String, String> env, List<String> jvmFlags,
            Set<String> volumes) {
        @Override
        public String toString() {
            return module;
        }
    }

    static Stream<Expected> images() {
        return Stream.of(
                new Expected("gateway", 8080, "io.qaflow.gateway.GatewayApplication", Map.of(), List.of(), Set.of()),
                new Expected("embedder-worker", 8091, "io.qaflow.embedder.EmbedderApplication",
                        Map.of("DJL_CACHE_DIR", "/tmp/djl", "ENGINE_CACHE_DIR", "/tmp/djl"),
                        List.of("-Dai.djl.offline=true"), Set.of()),
                new Expected("answer-worker", 8092, "io.qaflow.answer.AnswerWorkerApplication", Map.of(), List.of(),
                        Set.of()),
                new Expected("metrics-aggregator", 8082, "io.qaflow.metrics.MetricsAggregatorApplication",
                        Map.of("QAFLOW_AGGREGATOR_STREAMS_STATE_DIR", "/var/lib/qaflow/aggregator"), List.of(),
                        Set.of("/var/lib/qaflow/aggregator")),
                new Expected("experiment-controller", 8081, "io.qaflow.controller.ExperimentControllerApplication",
                        Map.of(), List.of(), Set.of()));
    }

    @BeforeAll
    static void startKafkaAndRedis() throws IOException {
        broker = EmbeddedKafkaBroker.startTemporary();
        redis = EmbeddedRedis.startTemporary();
        RootFilesystem.delete(WORK);
        Files.createDirectories(WORK);
    }

    @AfterAll
    static void stopKafkaAndRedis() {
        if (redis != null) {
            redis.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void imageDeclaresWhatARuntimeNeedsAndStartsHealthyFromItsLayers(Expected expected) throws Exception {
        Path tar = ROOT.resolve(expected.module()).resolve("target/jib-image.tar");
        assertThat(tar).as("the image tar (./qaflow images builds it)").isRegularFile();
        Path work = WORK.resolve(expected.module());
        OciImage image = OciImage.read(tar, work.resolve("layout"));

        assertThat(image.reference()).isEqualTo("qaflow/" + expected.module() + ":" + VERSION);
        assertThat(image.os()).isEqualTo("linux");
        assertThat(image.architecture()).isEqualTo("amd64");
        OciImage.Config config = image.config();
        assertThat(config.user()).isEqualTo(UID + ":" + UID);
        assertThat(config.entrypoint()).first().isEqualTo("java");
        assertThat(config.entrypoint()).last().isEqualTo(expected.mainClass());
        assertThat(config.entrypoint()).contains("--enable-native-access=ALL-UNNAMED")
                .containsAll(expected.jvmFlags());
        assertThat(config.ports()).containsExactly(expected.port() + "/tcp");
        assertThat(config.volumePaths()).isEqualTo(expected.volumes());
        Map<String, String> env = config.environment();
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError");
        assertThat(env).containsAllEntriesOf(expected.env()).containsKey("PATH");
        assertThat(config.labels())
                .containsEntry("org.opencontainers.image.title", "qaflow " + expected.module())
                .containsEntry("org.opencontainers.image.version", VERSION)
                .containsEntry("org.opencontainers.image.revision",
                        System.getProperty("qaflow.image.revision", "unknown"))
                .containsEntry("org.opencontainers.image.licenses",
                        System.getProperty("qaflow.image.licenses", "NOASSERTION"))
                .containsKeys("org.opencontainers.image.source", "org.opencontainers.image.description");
        assertThat(config.labels().get("org.opencontainers.image.description")).isNotBlank();

        Path root = work.resolve("rootfs");
        long unpacking = System.nanoTime();
        image.unpack(root);
        double unpacked = (System.nanoTime() - unpacking) / 1e9;
        int port = freePort();
        Map<String, String> settings = Map.of(
                "SERVER_PORT", Integer.toString(port),
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "QAFLOW_REDIS_URL", redis.url());
        long starting = System.nanoTime();
        try (var container = ContainerProcess.start(root, config, settings, work.resolve("runtime"),
                work.resolve(expected.module() + ".log"))) {
            await(expected.module() + " ready").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .untilAsserted(() -> {
                        if (!container.isAlive()) {
                            throw new IllegalStateException(expected.module() + " " + container.describeExit());
                        }
                        assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
                    });
            System.out.printf("ImagesIT: %s: %d MB tar, %d layers unpacked in %.1f s, ready in %.1f s%n",
                    image.reference(), Files.size(tar) >> 20, image.layerCount(), unpacked,
                    (System.nanoTime() - starting) / 1e9);
            assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> health = get(port, "/actuator/health");
            assertThat(JSON.readTree(health.body()).path("status").asString())
                    .as("/actuator/health: %s", health.body()).isEqualTo("UP");
            assertThat(get(port, "/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
            // the health check docker-compose runs inside the container (the image has wget, no curl)
            assertThat(container.exec("wget", "-q", "-O", "/dev/null",
                    "http://localhost:" + port + "/actuator/health/readiness")).isZero();
            assertThat(container.exec("wget", "-q", "-O", "/dev/null", "http://localhost:" + port + "/no-such-path"))
                    .as("wget fails on an error status").isNotZero();

            // the entrypoint itself runs, as the image's user, PID 1 of its own namespace
            assertThat(container.commandLine()).first().isEqualTo("java");
            assertThat(container.status("Uid")).hasValueSatisfying(uid -> assertThat(uid).startsWith(UID + "\t"));
            assertThat(container.status("Gid")).hasValueSatisfying(gid -> assertThat(gid).startsWith(UID + "\t"));
            assertThat(container.status("NSpid")).hasValueSatisfying(ids -> assertThat(ids).endsWith("\t1"));
            assertThat(container.output().lines().filter(line -> line.startsWith("Picked up JAVA_TOOL_OPTIONS")))
                    .as("the JVM read the image's JAVA_TOOL_OPTIONS").hasSize(1);
            Path inside = Path.of("/proc", Long.toString(container.pid()), "root");
            for (String volume : expected.volumes()) {
                assertThat(ownedFiles(inside.resolve(volume.substring(1)))).as("written to %s", volume).isNotEmpty();
            }
            if (expected.env().containsKey("DJL_CACHE_DIR")) {
                assertThat(ownedFiles(inside.resolve("tmp/djl"))).as("DJL's native libraries under /tmp/djl")
                        .anyMatch(file -> file.getFileName().toString().endsWith(".so"));
            }
        } finally {
            RootFilesystem.delete(work.resolve("layout"));
            RootFilesystem.delete(root);
        }
    }

    /** Regular files under {@code dir} owned by the image's user. */
    private static List<Path> ownedFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(file -> {
                try {
                    return ((Integer) Files.getAttribute(file, "unix:uid")) == UID;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
