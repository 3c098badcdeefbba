package io.qaflow.local;

import io.qaflow.answer.AnswerWorkerApplication;
import io.qaflow.embedder.EmbedderApplication;
import io.qaflow.gateway.GatewayApplication;
import io.qaflow.model.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
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
 * The whole pipeline in one JVM: a real KRaft broker on a data directory, then the embedder, the answer worker and
 * the gateway as separate Spring Boot contexts, and, on an empty corpus, the bundled sample corpus ingested through
 * the gateway.
 */
public final class LocalStack implements AutoCloseable {
    private static final Duration INDEX_TIMEOUT = Duration.ofMinutes(5);

    private final LocalStackSettings settings;
    private final EmbeddedKafkaBroker broker;
    private final ManagedService embedder;
    private final ManagedService answerWorker;
    private final ManagedService gateway;

    private LocalStack(LocalStackSettings settings, EmbeddedKafkaBroker broker) {
        this.settings = settings;
        this.broker = broker;
        Map<String, Object> common = commonProperties(broker.bootstrapServers(), settings.partitions());
        this.embedder = new ManagedService("embedder-worker", EmbedderApplication.class, "embedder",
                with(common, "server.port", settings.embedderPort()));
        this.answerWorker = new ManagedService("answer-worker", AnswerWorkerApplication.class, "answer-worker",
                with(common, "server.port", settings.answerWorkerPort()));
        this.gateway = new ManagedService("gateway", GatewayApplication.class, "gateway",
                with(common, "server.port", settings.gatewayPort()));
    }

    public static LocalStack start(LocalStackSettings settings, Consumer<String> console) {
        console.accept("Starting Kafka (KRaft) with data in " + settings.dataDir().resolve("kafka") + " …");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"),
                settings.kafkaPort(), settings.kafkaControllerPort());
        LocalStack stack = new LocalStack(settings, broker);
        try {
            stack.provisionTopics();
            console.accept("Kafka is up at " + broker.bootstrapServers() + "; starting the embedder (loads the model) …");
            stack.embedder.start(Map.of());
            console.accept("Starting the answer worker …");
            stack.answerWorker.start(settings.answerWorkerProperties());
            console.accept("Starting the gateway …");
            stack.gateway.start(Map.of());
            stack.awaitReady(stack.gateway.baseUrl().resolve("/actuator/health/readiness"));
            stack.loadCorpus(console);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static Map<String, Object> commonProperties(String bootstrapServers, int partitions) {
        Map<String, Object> p = new HashMap<>();
        p.put("spring.kafka.bootstrap-servers", bootstrapServers);
        p.put("spring.main.banner-mode", "off");
        p.put("logging.level.root", "WARN");
        p.put("logging.level.io.qaflow", "INFO");
        for (String module : List.of("gateway", "embedder", "answer")) {
            p.put("qaflow." + module + ".topics.partitions", partitions);
        }
        return p;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private void provisionTopics() {
        try (Admin admin = admin()) {
            new TopicProvisioner(settings.partitions(), (short) 1).provision(admin);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private void loadCorpus(Consumer<String> console) {
        IndexProgress index = new IndexProgress(embedder.baseUrl());
        long stored = storedDocumentRecords();
        long expected;
        if (stored == 0 && settings.ingestSampleCorpus()) {
            List<Squad.Paragraph> paragraphs = Squad.superBowl50().paragraphs();
            console.accept("Ingesting the sample corpus (SQuAD Super_Bowl_50, " + paragraphs.size()
                    + " paragraphs, CC BY-SA 4.0) through POST /v1/documents …");
            new SampleCorpus(gateway.baseUrl()).ingest(paragraphs,
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
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(readiness).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                Thread.sleep(200);
            } catch (java.io.IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
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

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public ManagedService gatewayService() {
        return gateway;
    }

    public ManagedService answerWorkerService() {
        return answerWorker;
    }

    /** Replaces the running answer worker with a new one (a new context) started with these extra properties. */
    public void restartAnswerWorker(Map<String, Object> properties) {
        answerWorker.close();
        answerWorker.start(properties);
    }

    @Override
    public void close() {
        gateway.close();
        answerWorker.close();
        embedder.close();
        broker.close();
    }
}
