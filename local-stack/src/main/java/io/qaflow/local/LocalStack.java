package io.qaflow.local;

import io.qaflow.answer.AnswerWorkerApplication;
import io.qaflow.controller.ExperimentControllerApplication;
import io.qaflow.embedder.EmbedderApplication;
import io.qaflow.gateway.GatewayApplication;
import io.qaflow.metrics.MetricsAggregatorApplication;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import io.qaflow.testkit.squad.Squad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole pipeline in one JVM: a real KRaft broker and a real redis-server on a data directory, then the embedder, the answer worker and
 * the metrics aggregator, the experiment controller and the gateway as separate Spring Boot contexts, and, on an empty corpus, the bundled sample corpus ingested through
 * the gateway.
 */
public final class LocalStack implements AutoCloseable {
    private static final Duration INDEX_TIMEOUT = Duration.ofMinutes(5);

    private final LocalStackSettings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile EmbeddedKafkaBroker broker;
    private volatile EmbeddedRedis redis;
    private volatile ManagedService embedder;
    private volatile ManagedService answerWorker;
    private volatile ManagedService gateway;
    private volatile ManagedService aggregator;
    private volatile ManagedService experimentController;

    /** A stack not started yet; {@link #close()} is safe at any point of {@link #start}. */
    public LocalStack(LocalStackSettings settings) {
        this.settings = settings;
    }

    /** Creates and starts a stack; on failure what was started is stopped again. */
    public static LocalStack start(LocalStackSettings settings, Consumer<String> console) {
        LocalStack stack = new LocalStack(settings);
        try {
            stack.start(console);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Starts the broker, Redis, the five services and, on an empty corpus, the sample corpus. */
    public void start(Consumer<String> console) {
        console.accept("Starting Kafka (KRaft) with data in " + settings.dataDir().resolve("kafka") + " …");
        broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"), settings.kafkaPort(),
                settings.kafkaControllerPort());
        console.accept("Starting Redis with data in " + settings.dataDir().resolve("redis") + " …");
        redis = EmbeddedRedis.start(settings.dataDir().resolve("redis"), settings.redisPort());
        Map<String, Object> common = commonProperties(broker.bootstrapServers(), redis.url(), settings.partitions());
        common.putAll(settings.serviceProperties());
        embedder = new ManagedService("embedder-worker", EmbedderApplication.class, "embedder",
                with(common, "server.port", settings.embedderPort()));
        answerWorker = new ManagedService("answer-worker", AnswerWorkerApplication.class, "answer-worker",
                with(common, "server.port", settings.answerWorkerPort()));
        gateway = new ManagedService("gateway", GatewayApplication.class, "gateway",
                with(common, "server.port", settings.gatewayPort()));
        Map<String, Object> aggregatorProperties = with(common, "server.port", settings.aggregatorPort());
        // under the stack's data dir, so a restarted stack resumes from its local state instead of restoring it
        aggregatorProperties.put("qaflow.aggregator.streams.state-dir", settings.dataDir().resolve("aggregator"));
        aggregator = new ManagedService("metrics-aggregator", MetricsAggregatorApplication.class,
                MetricsAggregatorApplication.CONFIG_NAME, aggregatorProperties);
        experimentController = new ManagedService("experiment-controller", ExperimentControllerApplication.class,
                ExperimentControllerApplication.CONFIG_NAME,
                with(common, "server.port", settings.experimentControllerPort()));
        provisionTopics();
        console.accept("Kafka is up at " + broker.bootstrapServers() + "; starting the embedder (loads the model) …");
        embedder.start(Map.of());
        console.accept("Starting the answer worker …");
        answerWorker.start(settings.answerWorkerProperties());
        console.accept("Starting the metrics aggregator …");
        aggregator.start(Map.of());
        console.accept("Starting the experiment controller …");
        startExperimentController();
        console.accept("Starting the gateway …");
        gateway.start(Map.of());
        awaitReady(gateway.baseUrl().resolve("/actuator/health/readiness"));
        awaitReady(aggregator.baseUrl().resolve("/actuator/health/readiness"));
        awaitReady(experimentController.baseUrl().resolve("/actuator/health/readiness"));
        loadCorpus(console);
    }

    private static Map<String, Object> commonProperties(String bootstrapServers, String redisUrl, int partitions) {
        Map<String, Object> p = new HashMap<>();
        p.put("spring.kafka.bootstrap-servers", bootstrapServers);
        p.put("qaflow.redis.url", redisUrl);
        p.put("spring.main.banner-mode", "off");
        p.put("spring.main.log-startup-info", "false");
        p.put("logging.level.root", "WARN");
        p.put("logging.level.io.qaflow", "INFO");
        // readable lines on the console of ./qaflow up; the services alone log JSON (./qaflow up --json-logs)
        p.put("logging.structured.format.console", "");
        p.put("qaflow.kafka.topics.partitions", partitions);
        return p;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private void provisionTopics() {
        try (Admin admin = admin()) {
            TopicProvisioner.singleBroker(settings.partitions()).provision(admin);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private void loadCorpus(Consumer<String> console) {
        IndexProgress index = new IndexProgress(http, embedder.baseUrl());
        long stored = storedDocumentRecords();
        List<Squad.Paragraph> paragraphs = settings.ingestSampleCorpus() ? Squad.superBowl50().paragraphs() : List.of();
        long expected;
        // fewer records than the sample has paragraphs: a first start, or one stopped mid-ingestion; re-submitting
        // an id replaces that document, so ingesting again is safe
        if (stored < paragraphs.size()) {
            console.accept("Ingesting the sample corpus (SQuAD Super_Bowl_50, " + paragraphs.size()
                    + " paragraphs, CC BY-SA 4.0) through POST /v1/documents …");
            new SampleCorpus(http, gateway.baseUrl()).ingest(paragraphs,
                    n -> console.accept("  submitted " + n + "/" + paragraphs.size()));
            expected = paragraphs.size();
        } else {
            if (stored > 0) {
                console.accept("Corpus found in Kafka (" + stored + " document records); not re-ingesting. Rebuilding the index …");
            }
            expected = 0;
        }
        IndexProgress.Status done = index.awaitIndexed(expected, INDEX_TIMEOUT, s -> {
            if (expected > 0 || s.caughtUp()) {
                console.accept("  indexed " + s.documents() + " documents (" + s.chunks() + " chunks)"
                        + (s.caughtUp() ? "" : " …"));
            }
        });
        console.accept("Index ready: " + done.documents() + " documents, " + done.chunks() + " chunks.");
    }

    private long storedDocumentRecords() {
        try (Admin admin = admin()) {
            var description = admin.describeTopics(List.of(Topics.DOCUMENTS.name())).allTopicNames().get()
                    .get(Topics.DOCUMENTS.name());
            Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(Topics.DOCUMENTS.name(), p.partition()),
                            p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read " + Topics.DOCUMENTS.name(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitReady(URI readiness) {
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try {
            while (System.nanoTime() < until) {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(readiness).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        throw new IllegalStateException(readiness + " did not report UP within 2 minutes");
    }

    public URI gatewayUrl() {
        return gateway.baseUrl();
    }

    public URI embedderUrl() {
        return embedder.baseUrl();
    }

    public URI answerWorkerUrl() {
        return answerWorker.baseUrl();
    }

    /** The metrics aggregator: {@code GET /v1/experiments/{id}/stats}. */
    public URI aggregatorUrl() {
        return aggregator.baseUrl();
    }

    /** The experiment controller: {@code /v1/experiments} (create, start, pause, complete, promote, roll back). */
    public URI experimentControllerUrl() {
        return experimentController.baseUrl();
    }

    /** The stack's Redis, e.g. for tests that take it away. */
    public EmbeddedRedis redis() {
        return redis;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public ManagedService gatewayService() {
        return gateway;
    }

    public ManagedService answerWorkerService() {
        return answerWorker;
    }

    private void startExperimentController() {
        experimentController.start(Map.of("qaflow.experiment-controller.aggregator-url",
                aggregator.baseUrl().toString()));
    }

    /**
     * Stops the experiment controller and starts a new one (a new context, on a new port when the stack's is 0), which
     * rebuilds its state from the topics; returns once it is ready.
     */
    public void restartExperimentController() {
        experimentController.close();
        startExperimentController();
        awaitReady(experimentController.baseUrl().resolve("/actuator/health/readiness"));
    }

    /** Replaces the running answer worker with a new one (a new context) started with these extra properties. */
    public void restartAnswerWorker(Map<String, Object> properties) {
        answerWorker.close();
        answerWorker.start(properties);
    }

    @Override
    public synchronized void close() {
        for (ManagedService service : new ManagedService[] {gateway, experimentController, answerWorker, aggregator, embedder}) {
            if (service != null) {
                service.close();
            }
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
        http.close();
    }
}
