package io.qaflow.local.drill;

import io.qaflow.local.cluster.Cluster;
import io.qaflow.local.cluster.ClusterLayout;
import io.qaflow.local.cluster.ClusterMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./qaflow drill <name>|all [--rate R] [--duration S] [--fault-at S]} against the running
 * {@code ./qaflow cluster}: one line per drill, then the table; exits 1 when any drill lost or duplicated a request.
 */
public final class DrillMain {
    private DrillMain() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
        }
        ClusterMain.quietKafkaClients();
        double rate = 40;
        Duration duration = Duration.ofSeconds(90);
        Duration faultAt = Duration.ofSeconds(20);
        Path repository = Path.of(System.getProperty("qaflow.repository", ".")).toAbsolutePath().normalize();
        Path dataDir = repository.resolve(".qaflow/cluster");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--fault-at" -> faultAt = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--data-dir" -> dataDir = Path.of(args[++i]).toAbsolutePath();
                default -> usage();
            }
        }
        List<Fault> faults = args[0].equals("all") ? List.of(Fault.values()) : List.of(Fault.named(args[0]));
        ClusterLayout layout = new ClusterLayout(repository, dataDir, ClusterMain.storedBasePort(dataDir));
        List<DrillResult> results = new ArrayList<>();
        try (Cluster cluster = ClusterMain.open(layout)) {
            Drills drills = new Drills(cluster, rate, duration, faultAt, line -> System.out.println("[drill] " + line));
            for (Fault fault : faults) {
                DrillResult result = drills.run(fault);
                results.add(result);
                System.out.println(result.line());
            }
        }
        if (results.size() > 1) {
            System.out.println();
            results.forEach(r -> System.out.println(r.line()));
        }
        System.exit(results.stream().allMatch(DrillResult::lostNothing) ? 0 : 1);
    }

    private static void usage() {
        System.err.println("usage: ./qaflow drill <" + String.join("|", Fault.names()) + ">|all [--rate R] "
                + "[--duration SECONDS] [--fault-at SECONDS]   (against ./qaflow cluster up)");
        System.exit(2);
    }
}
