package io.qaflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.local.cluster.Cluster;
import io.qaflow.local.cluster.ClusterLayout;
import io.qaflow.local.cluster.ClusterMain;
import io.qaflow.local.drill.DrillResult;
import io.qaflow.local.drill.Drills;
import io.qaflow.local.drill.Fault;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The reduced form of {@code ./qaflow drill all} on the real multi-process cluster (three brokers as OS processes,
 * Redis, the fake LLM, every service from its executable jar, two replicas of each worker): an answer worker killed
 * with SIGKILL under load, then the broker leading the most partitions. No accepted request may be lost or answered
 * twice. The full drills, longer and at 40 requests/s, are a benchmark: {@code ./qaflow drill all}.
 */
class ClusterDrillsIT {
    private static final double RATE = 8;
    private static final Duration DURATION = Duration.ofSeconds(35);
    private static final Duration FAULT_AT = Duration.ofSeconds(8);

    @Test
    void aKilledAnswerWorkerAndALostLeadingBrokerLoseNothing() throws IOException {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("qaflow-cluster-it-");
        ClusterLayout layout = new ClusterLayout(repository, data, freeBasePort());
        try (Cluster cluster = ClusterMain.open(layout)) {
            try {
                cluster.up(line -> System.out.println("[cluster] " + line));
                Drills drills = new Drills(cluster, RATE, DURATION, FAULT_AT,
                        line -> System.out.println("[drill] " + line));

                DrillResult worker = drills.run(Fault.ANSWER_WORKER);
                System.out.println(worker.line());
                DrillResult leader = drills.run(Fault.BROKER_LEADER);
                System.out.println(leader.line());

                for (DrillResult result : new DrillResult[] {worker, leader}) {
                    assertThat(result.accepted()).as(result.line()).isGreaterThan(Math.round(RATE * DURATION.toSeconds() * 0.9));
                    assertThat(result.lost()).as(result.line()).isZero();
                    assertThat(result.duplicates()).as(result.line()).isZero();
                    assertThat(result.answered()).as(result.line()).isGreaterThan(result.accepted() / 2);
                }
            } finally {
                cluster.down(line -> System.out.println("[cluster] " + line));
                assertThat(cluster.processNames()).as("nothing left running")
                        .allSatisfy(name -> assertThat(cluster.pid(name)).isEmpty());
            }
        }
    }

    /** A base port whose every offset the cluster uses is free now. */
    private static int freeBasePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 30_000 + 1_000 * ThreadLocalRandom.current().nextInt(30);
            boolean free = IntStream.of(80, 180, 81, 82, 91, 191, 92, 192, 99, 301, 302, 303, 311, 312, 313, 379)
                    .allMatch(offset -> isFree(base + offset));
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of ports for the cluster");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
