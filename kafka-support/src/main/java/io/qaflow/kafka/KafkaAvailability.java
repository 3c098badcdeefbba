package io.qaflow.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Whether the service can reach a Kafka broker now: a probe asks the cluster for its brokers every
 * {@code probeInterval}, bounded by {@code probeTimeout}. With every broker gone the state turns unavailable within
 * interval + timeout (5 s by default); publishes then fail at once, the gateway answers 503 with Retry-After and its
 * readiness turns DOWN; the next successful probe makes it available again by itself. One broker of three lost is
 * not an outage: the cluster still answers.
 */
public final class KafkaAvailability implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(KafkaAvailability.class);

    /** The last probe's outcome. */
    public record State(boolean available, int brokers, Instant since, String lastError) {}

    private final Supplier<Admin> admins;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final AtomicReference<State> state =
            new AtomicReference<>(new State(true, -1, Instant.now(), null)); // optimistic until the first probe
    private ScheduledExecutorService prober;
    private Admin admin;
    private volatile String clusterId;

    KafkaAvailability(Supplier<Admin> admins, KafkaSupportProperties.Availability settings, MeterRegistry registry) {
        this.admins = admins;
        this.probeInterval = settings.probeInterval();
        this.probeTimeout = settings.probeTimeout();
        Gauge.builder("qa.kafka.available", this, a -> a.isAvailable() ? 1 : 0)
                .description("1 while a Kafka broker answers this service, 0 while none does").register(registry);
    }

    /** Always available: for tests and tools that run no probe. */
    static KafkaAvailability assumed(MeterRegistry registry) {
        return new KafkaAvailability(() -> {
            throw new IllegalStateException("no probe");
        }, new KafkaSupportProperties.Availability(Duration.ofDays(1), Duration.ofSeconds(1)), registry);
    }

    public boolean isAvailable() {
        return state.get().available();
    }

    public State state() {
        return state.get();
    }

    /** The cluster's id once a probe has read it, else null; never blocks. */
    public String clusterId() {
        return clusterId;
    }

    /** For error messages: since when and why the brokers count as gone. */
    public String describe() {
        State s = state.get();
        return (s.available() ? "available" : "unavailable since " + s.since()) + (s.lastError() == null ? ""
                : ": " + s.lastError());
    }

    private void probe() {
        try {
            if (admin == null) {
                admin = admins.get();
            }
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) probeTimeout.toMillis()));
            int brokers = cluster.nodes().get(probeTimeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            if (clusterId == null) {
                clusterId = cluster.clusterId().get(probeTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            }
            if (brokers == 0) {
                changeTo(false, 0, "the cluster lists no broker");
            } else {
                changeTo(true, brokers, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            changeTo(false, 0, rootMessage(e));
        }
    }

    private void changeTo(boolean available, int brokers, String error) {
        State before = state.get();
        if (before.available() == available) {
            state.set(new State(available, brokers, before.since(), error));
            return;
        }
        state.set(new State(available, brokers, Instant.now(), error));
        if (available) {
            log.info("Kafka is reachable again ({} brokers) after {}", brokers,
                    Duration.between(before.since(), Instant.now()));
        } else {
            log.warn("no Kafka broker reachable: {}; publishes fail fast until one answers", error);
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public synchronized void start() {
        if (prober != null) {
            return;
        }
        prober = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kafka-probe").daemon(true)
                .factory());
        prober.scheduleWithFixedDelay(this::probe, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (prober != null) {
            prober.shutdownNow();
            try {
                prober.awaitTermination(probeTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            prober = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return prober != null;
    }
}
