package io.qaflow.local.cluster;

import io.qaflow.testkit.KRaftNode;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaRaftServer;

/**
 * One Kafka node of the local cluster as an OS process of its own: the real KRaft broker and controller from the
 * Maven artifacts (combined roles, {@link KRaftNode}), its log directory formatted on first start with the cluster's
 * id, then served until the process is told to stop. Replication and ISR settings suit three such nodes.
 *
 * <p>{@code java -cp <local-stack classpath> io.qaflow.local.cluster.BrokerMain <node-id> <port> <controller-port>
 * <voters> <cluster-id> <log-dir>}, voters as {@code 1@127.0.0.1:29192,2@127.0.0.1:29193,3@127.0.0.1:29194}.
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: BrokerMain <node-id> <port> <controller-port> <voters> <cluster-id> <log-dir>");
            System.exit(2);
        }
        int nodeId = Integer.parseInt(args[0]);
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        String voters = args[3];
        String clusterId = args[4];
        Path logDir = Path.of(args[5]);
        KafkaRaftServer server = KRaftNode.ofCluster(nodeId, port, controllerPort, voters, logDir,
                ClusterLayout.BROKERS, ClusterLayout.PARTITIONS).server(clusterId);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
            stopped.countDown();
        }, "broker-shutdown"));
        server.startup();
        System.out.printf("broker %d serving on 127.0.0.1:%d (controller port %d)%n", nodeId, port, controllerPort);
        stopped.await();
    }
}
