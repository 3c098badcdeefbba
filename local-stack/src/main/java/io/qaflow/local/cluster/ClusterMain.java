package io.qaflow.local.cluster;

import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * {@code ./qaflow cluster up | status | down [--base-port N] [--data-dir DIR] [--otlp-endpoint URL]}: the
 * multi-process cluster on this machine (see {@link Cluster}). The base port given to {@code up} is kept with the
 * data, so {@code status} and {@code down} find the same processes. {@code --otlp-endpoint} (e.g. Jaeger's
 * {@code http://127.0.0.1:4318/v1/traces}) makes every service export its traces there.
 */
public final class ClusterMain {
    private ClusterMain() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
        }
        ClusterMain.quietKafkaClients();
        String command = args[0];
        Path repository = Path.of(System.getProperty("qaflow.repository", ".")).toAbsolutePath().normalize();
        Path dataDir = repository.resolve(".qaflow/cluster");
        Integer basePort = null;
        Cluster.Options options = Cluster.Options.defaults();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--base-port" -> basePort = Integer.parseInt(args[++i]);
                case "--otlp-endpoint" -> options = options.withTraces(args[++i]);
                case "--data-dir" -> dataDir = Path.of(args[++i]).toAbsolutePath();
                default -> usage();
            }
        }
        int port = basePort != null ? basePort : storedBasePort(dataDir);
        ClusterLayout layout = new ClusterLayout(repository, dataDir, port);
        try (Cluster cluster = open(layout, options)) {
            switch (command) {
                case "up" -> {
                    storeBasePort(dataDir, port);
                    long started = System.nanoTime();
                    cluster.up(ClusterMain::say);
                    say(String.format("cluster ready in %.0f s", (System.nanoTime() - started) / 1e9));
                    printStatus(cluster);
                    say("gateways: " + String.join(" ", layout.gateways().stream()
                            .map(g -> g.url().toString()).toList()) + "   (./qaflow cluster down stops it)");
                }
                case "status" -> printStatus(cluster);
                case "down" -> {
                    cluster.down(ClusterMain::say);
                    say("cluster stopped; data kept in " + dataDir);
                }
                default -> usage();
            }
        } catch (RuntimeException e) {
            System.err.println("[qaflow] cluster " + command + " failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /** This command's own Kafka clients wait for brokers that are still starting: their warnings are noise here. */
    public static void quietKafkaClients() {
        if (LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger kafka) {
            kafka.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    /** The cluster of this repository and layout, run with this JVM's java and classpath. */
    public static Cluster open(ClusterLayout layout) {
        return open(layout, Cluster.Options.defaults());
    }

    public static Cluster open(ClusterLayout layout, Cluster.Options options) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new Cluster(layout, java, System.getProperty("java.class.path"), options);
    }

    private static void printStatus(Cluster cluster) {
        System.out.printf("%-22s %-8s %-34s %-10s %s%n", "PROCESS", "PID", "ENDPOINT", "STATE", "LOG");
        cluster.status().forEach(System.out::println);
    }

    public static int storedBasePort(Path dataDir) {
        return new ClusterFile(dataDir).get("base.port").map(Integer::parseInt).orElse(ClusterLayout.DEFAULT_BASE_PORT);
    }

    static void storeBasePort(Path dataDir, int basePort) {
        new ClusterFile(dataDir).put("base.port", String.valueOf(basePort));
    }

    private static void usage() {
        System.err.println("usage: ./qaflow cluster up|status|down [--base-port N] [--data-dir DIR]"
                + " [--otlp-endpoint URL]");
        System.exit(2);
    }

    private static void say(String line) {
        System.out.println("[qaflow] " + line);
    }
}
