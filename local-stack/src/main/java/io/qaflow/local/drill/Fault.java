package io.qaflow.local.drill;

import io.qaflow.local.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The faults a drill injects into the running cluster, and how each is undone so the next drill starts whole.
 * Kills are SIGKILL (no shutdown hook runs); outages last {@link #OUTAGE}.
 */
public enum Fault {
    ANSWER_WORKER("answer-worker", "kill -9 one answer worker") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            killAndRestart(cluster, "answer-worker-1", log);
        }
    },
    EMBEDDER("embedder", "kill -9 one embedder") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            killAndRestart(cluster, "embedder-1", log);
        }
    },
    GATEWAY("gateway", "kill -9 one gateway") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            killAndRestart(cluster, "gateway-1", log);
        }
    },
    BROKER_LEADER("broker-leader", "kill -9 the broker leading the most partitions") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            int leader = cluster.brokerLeadingMostPartitions();
            killAndRestart(cluster, "kafka-" + leader, log);
        }
    },
    REDIS("redis", "stop Redis for 30 s") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            cluster.stop("redis");
            log.accept("redis stopped");
            pause(OUTAGE);
            cluster.start("redis", Duration.ofMinutes(1));
            log.accept("redis started again");
        }
    },
    LLM_500("llm-500", "the LLM answers 500 for 30 s") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            configureLlm(cluster, "{\"errorRate\":1.0,\"errorStatus\":500}");
            log.accept("LLM answering 500");
            pause(OUTAGE);
            configureLlm(cluster, "{\"errorRate\":0.0}");
            log.accept("LLM healthy again");
        }
    },
    LLM_HANG("llm-hang", "the LLM hangs for 30 s") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            configureLlm(cluster, "{\"hang\":true}");
            log.accept("LLM hanging");
            pause(OUTAGE);
            configureLlm(cluster, "{\"hang\":false}");
            log.accept("LLM answering again");
        }
    },
    AGGREGATOR("aggregator", "kill -9 the aggregator and start it again") {
        @Override
        void inject(Cluster cluster, Consumer<String> log) {
            long pid = cluster.kill("metrics-aggregator");
            log.accept("killed metrics-aggregator (pid " + pid + ")");
            cluster.start("metrics-aggregator", Duration.ofMinutes(3));
            log.accept("metrics-aggregator ready again");
        }
    };

    static final Duration OUTAGE = Duration.ofSeconds(30);
    /** How long a killed process stays down before it is started again. */
    static final Duration DOWN_FOR = Duration.ofSeconds(15);

    private final String drillName;
    private final String description;

    Fault(String drillName, String description) {
        this.drillName = drillName;
        this.description = description;
    }

    public String drillName() {
        return drillName;
    }

    public String description() {
        return description;
    }

    /** Injects the fault and undoes it (the process started again, the outage over); returns when the cluster is whole. */
    abstract void inject(Cluster cluster, Consumer<String> log);

    public static Fault named(String name) {
        return Arrays.stream(values()).filter(f -> f.drillName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no drill " + name + "; drills: " + names()));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Fault::drillName).toList();
    }

    private static void killAndRestart(Cluster cluster, String process, Consumer<String> log) {
        long pid = cluster.kill(process);
        log.accept("killed " + process + " (pid " + pid + ") with SIGKILL");
        pause(DOWN_FOR);
        cluster.start(process, Duration.ofMinutes(3));
        log.accept(process + " started again and ready");
    }

    private static void configureLlm(Cluster cluster, String json) {
        URI config = URI.create(cluster.layout().llmBaseUrl().replace("/v1", "") + "/_fake/config");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(config)
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the fake LLM refused " + json + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the fake LLM at " + config, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
