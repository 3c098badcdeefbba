package io.qaflow.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real Kafka node in KRaft mode (combined broker and controller, plaintext on loopback), from the Maven artifacts:
 * its configuration and its log directory, formatted on first start. The embedded broker of the tests is a single
 * node ({@link #single}); the local cluster runs three ({@link #ofCluster}), one per OS process.
 *
 * @param voters the controller quorum, {@code 1@127.0.0.1:29311,2@…}
 * @param replicas how many nodes the cluster has: the replication factor of its internal topics and new topics;
 *        their minimum in-sync replicas is 2 when there are three or more, else 1
 */
public record KRaftNode(int nodeId, int port, int controllerPort, String voters, Path logDir, int replicas,
                        int partitions) {
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** A node alone: replication 1. */
    public static KRaftNode single(Path logDir, int port, int controllerPort) {
        return new KRaftNode(1, port, controllerPort, "1@127.0.0.1:" + controllerPort, logDir, 1, 1);
    }

    /** One node of a cluster of {@code replicas} (replication factor {@code replicas}, min ISR 2). */
    public static KRaftNode ofCluster(int nodeId, int port, int controllerPort, String voters, Path logDir,
                                      int replicas, int partitions) {
        return new KRaftNode(nodeId, port, controllerPort, voters, logDir, replicas, partitions);
    }

    public Properties properties() {
        String replication = String.valueOf(replicas);
        String minIsr = replicas >= 3 ? "2" : "1";
        String internalPartitions = String.valueOf(Math.max(5, partitions));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", String.valueOf(partitions));
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replication);
        p.put("offsets.topic.num.partitions", internalPartitions);
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", internalPartitions);
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        if (replicas > 1) {
            // a node that died comes back and catches up: leadership moves back to the preferred replicas by itself
            p.put("auto.leader.rebalance.enable", "true");
            p.put("leader.imbalance.check.interval.seconds", "30");
        } else {
            p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        }
        return p;
    }

    /** Formats the log directory with {@code clusterId} unless it holds a node already; then the server, not started. */
    public KafkaRaftServer server(String clusterId) throws Exception {
        Files.createDirectories(logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        }
        return new KafkaRaftServer(KafkaConfig.fromProps(properties(), false), Time.SYSTEM);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }
}
