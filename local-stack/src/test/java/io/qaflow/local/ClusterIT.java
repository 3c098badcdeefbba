package io.qaflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.local.cluster.Cluster;
import io.qaflow.local.cluster.ClusterLayout;
import io.qaflow.local.cluster.ClusterMain;
import io.qaflow.local.drill.DrillResult;
import io.qaflow.local.drill.Drills;
import io.qaflow.local.drill.Fault;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.otlp.OtlpCollector.ReceivedSpan;
import io.qaflow.testkit.otlp.OtlpCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * qaflow as SREs run it, on the real multi-process cluster (three brokers as OS processes, Redis, the fake LLM, every
 * service from its executable jar, two replicas of each worker), exporting traces to a collector of the test's own:
 * <ol>
 *   <li>one question is one trace across gateway, embedder, answer worker (its LLM call a client span) and back, the
 *       aggregator's count linked to it, and the answer worker's JSON log line carries its request and trace ids;</li>
 *   <li>every consumer group reports its lag, and every metric a dashboard or alert rule reads
 *       ({@code helm/qaflow/files/metrics.txt}) is exposed once traffic, an experiment and poison records went
 *       through;</li>
 *   <li>the reduced form of {@code ./qaflow drill all}: an answer worker killed with SIGKILL under load, then the
 *       broker leading the most partitions — no accepted request lost or answered twice;</li>
 *   <li>no log line of any process, faults included, carries the LLM API key.</li>
 * </ol>
 * The full drills, longer and at 40 requests/s, are a benchmark: {@code ./qaflow drill all}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final double RATE = 8;
    private static final Duration DURATION = Duration.ofSeconds(35);
    private static final Duration FAULT_AT = Duration.ofSeconds(8);
    private static final String QUESTION = "Which NFL team represented the AFC at Super Bowl 50?";
    /** Exposed only after a semantic-cache hit was re-answered, and the cluster runs without the semantic cache. */
    private static final Set<String> SEMANTIC_CACHE_METRICS = Set.of("qa_cache_semantic_agreement",
            "qa_cache_semantic_verifications_total");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String llmApiKey = "sk-cluster-" + UUID.randomUUID();
    private final Path repository = Path.of("..").toAbsolutePath().normalize();
    private OtlpCollector collector;
    private Cluster cluster;

    @BeforeAll
    void start() throws IOException {
        collector = OtlpCollector.start();
        ClusterLayout layout = new ClusterLayout(repository, Files.createTempDirectory("qaflow-cluster-it-"),
                freeBasePort());
        cluster = ClusterMain.open(layout, Cluster.Options.defaults().withTraces(collector.tracesEndpoint())
                .withLlmApiKey(llmApiKey));
        cluster.up(line -> System.out.println("[cluster] " + line));
    }

    @AfterAll
    void stop() {
        try {
            if (cluster != null) {
                cluster.down(line -> System.out.println("[cluster] " + line));
                assertThat(cluster.processNames()).as("nothing left running")
                        .allSatisfy(name -> assertThat(cluster.pid(name)).isEmpty());
                cluster.close();
            }
        } finally {
            if (collector != null) {
                collector.close();
            }
        }
    }

    @Test
    @Order(1)
    void aQuestionIsOneTraceAcrossTheServicesAndItsLogLinesCarryIt() {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String callerSpan = HexFormat.of().formatHex(randomBytes(8));
        GatewayClient.Response answered = gateway(0).post("/v1/ask", Map.of("question", QUESTION + " (traced)"),
                Map.of("traceparent", "00-" + traceId + "-" + callerSpan + "-01"));
        assertThat(answered.status()).as(answered.body().toString()).isEqualTo(200);
        String requestId = answered.body().path("requestId").asString();

        List<ReceivedSpan> trace = await("the request's spans from every service").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> collector.trace(traceId), spans -> {
                    Set<String> names = spans.stream().map(ReceivedSpan::name).collect(Collectors.toSet());
                    return names.containsAll(Set.of("qa.embed", "qa.retrieve", "qa.generate"))
                            && llmCall(spans).isPresent()
                            && spans.stream().anyMatch(s -> s.service().equals("qaflow-metrics-aggregator"))
                            && spans.stream().anyMatch(s -> s.service().equals("qaflow-gateway")
                                    && s.name().equals(Topics.ANSWERS.name() + " process"));
                });
        long origin = trace.getFirst().startNanos();
        trace.forEach(s -> System.out.printf("[trace] %+6d ms %-26s %-18s %s%n", (s.startNanos() - origin) / 1_000_000,
                s.service(), s.kind().replace("SPAN_KIND_", ""), s.name()));

        assertThat(trace).as("the gateway continues the caller's trace").anySatisfy(s -> {
            assertThat(s.service()).isEqualTo("qaflow-gateway");
            assertThat(s.kind()).isEqualTo("SPAN_KIND_SERVER");
            assertThat(s.parentSpanId()).isEqualTo(callerSpan);
        });
        assertThat(trace.stream().map(ReceivedSpan::service).distinct()).contains("qaflow-gateway", "qaflow-embedder",
                "qaflow-answer-worker", "qaflow-metrics-aggregator");
        ReceivedSpan embed = first(trace, "qa.embed");
        ReceivedSpan retrieve = first(trace, "qa.retrieve");
        ReceivedSpan generate = first(trace, "qa.generate");
        ReceivedSpan llmCall = llmCall(trace).orElseThrow();
        assertThat(embed.service()).isEqualTo("qaflow-embedder");
        assertThat(retrieve.startNanos()).as("retrieve after embed").isGreaterThanOrEqualTo(embed.endNanos());
        assertThat(generate.service()).isEqualTo("qaflow-answer-worker");
        assertThat(generate.startNanos()).as("generate after retrieve").isGreaterThanOrEqualTo(retrieve.endNanos());
        assertThat(llmCall.name()).isEqualTo("llm fake-gpt");
        assertThat(llmCall.startNanos()).as("the LLM call is part of generating")
                .isBetween(generate.startNanos(), generate.endNanos());
        assertThat(trace).as("the aggregator counted the answer within the trace").anySatisfy(s -> {
            assertThat(s.service()).isEqualTo("qaflow-metrics-aggregator");
            assertThat(s.name()).isEqualTo("aggregate " + requestId);
        });

        JsonNode line = await("the answer worker's log line of the request").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500)).until(() -> logLine("answer-worker",
                        l -> requestId.equals(l.path("requestId").asString())
                                && l.path("message").asString().startsWith("answered by")), Optional::isPresent)
                .orElseThrow();
        System.out.println("[log] " + line);
        assertThat(line.path("traceId").asString()).isEqualTo(traceId);
        assertThat(line.path("spanId").asString()).isNotBlank();
        assertThat(line.path("experimentId").asString()).isEqualTo("default");
        assertThat(line.path("service").path("name").asString()).isEqualTo("qaflow-answer-worker");
    }

    @Test
    @Order(2)
    void everyConsumerGroupReportsItsLagAndEveryMetricTheDashboardsReadIsExposed() throws IOException {
        GatewayClient controller = new GatewayClient(cluster.layout().service("experiment-controller").url());
        String experimentId = runABanditExperiment(controller);
        sendPoisonRecords();
        await("the aggregator's verdict acted on by the controller, poison records parked")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    String scrapes = String.join("\n", scrapes().values());
                    return scrapes.contains("qa_experiment_verdicts_total{") && scrapes.contains(
                            "qa_kafka_dead_letters_total{") && scrapes.contains("qa_experiment_verdict_age_seconds{");
                });
        assertThat(controller.put("/v1/prompts/qa-answer/default", Map.of("version", "1.0.0")).status())
                .isEqualTo(200);
        assertThat(controller.post("/v1/experiments/" + experimentId + "/rollback",
                Map.of("reason", "the cluster test is done with it")).status()).isEqualTo(200);

        Map<String, String> scrapes = scrapes();
        for (ClusterLayout.Service service : cluster.layout().services()) {
            List<String> lag = scrapes.get(service.name()).lines().filter(l -> l.startsWith("qa_kafka_consumer_lag{"))
                    .toList();
            System.out.printf("[lag] %s: %s%n", service.name(), lag.stream().map(ClusterIT::groupOf).distinct()
                    .toList());
            assertThat(lag).as("%s reports the lag of its consumer group", service.name()).isNotEmpty()
                    .allSatisfy(l -> assertThat(groupOf(l)).isNotBlank());
        }

        Set<String> exposed = new TreeSet<>();
        Pattern name = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
        scrapes.values().forEach(scrape -> scrape.lines().map(name::matcher).filter(Matcher::find)
                .forEach(m -> exposed.add(m.group(1))));
        List<String> catalog = Files.readAllLines(repository.resolve("helm/qaflow/files/metrics.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\\s+")[0]).toList();
        assertThat(catalog).hasSizeGreaterThan(20);
        List<String> missing = catalog.stream().filter(m -> !exposed.contains(m))
                .filter(m -> !SEMANTIC_CACHE_METRICS.contains(m)).toList();
        assertThat(missing).as("metrics the dashboards or alert rules read that no service exposes").isEmpty();
        System.out.printf("[metrics] %d of %d catalog metrics exposed by the cluster (the semantic cache's %s are "
                + "checked by AnswerCacheIT)%n", catalog.size() - SEMANTIC_CACHE_METRICS.size(), catalog.size(),
                SEMANTIC_CACHE_METRICS);
    }

    @Test
    @Order(3)
    void aKilledAnswerWorkerAndALostLeadingBrokerLoseNothing() {
        Drills drills = new Drills(cluster, RATE, DURATION, FAULT_AT, line -> System.out.println("[drill] " + line));

        DrillResult worker = drills.run(Fault.ANSWER_WORKER);
        System.out.println(worker.line());
        DrillResult leader = drills.run(Fault.BROKER_LEADER);
        System.out.println(leader.line());

        for (DrillResult result : List.of(worker, leader)) {
            assertThat(result.accepted()).as(result.line())
                    .isGreaterThan(Math.round(RATE * DURATION.toSeconds() * 0.9));
            assertThat(result.lost()).as(result.line()).isZero();
            assertThat(result.duplicates()).as(result.line()).isZero();
            assertThat(result.answered()).as(result.line()).isGreaterThan(result.accepted() / 2);
        }
    }

    @Test
    @Order(4)
    void noLogLineOfAnyProcessCarriesTheLlmApiKey() throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(cluster.layout().logs())) {
            logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        assertThat(logs).hasSizeGreaterThanOrEqualTo(cluster.processNames().size());
        long lines = 0;
        for (Path log : logs) {
            List<String> content = Files.readAllLines(log, StandardCharsets.UTF_8);
            lines += content.size();
            assertThat(content).as("%s carries the LLM API key", log.getFileName())
                    .noneMatch(l -> l.contains(llmApiKey) || l.contains(llmApiKey.substring(10)));
        }
        System.out.printf("[secrets] %d lines of %d logs, no LLM API key%n", lines, logs.size());
    }

    // ------------------------------------------------------------------------------------------- traffic

    /**
     * A new prompt version, a bandit experiment between it and the default, traffic with feedback; the prompt made the
     * default for a moment (a default change). Returns the experiment's id.
     */
    private String runABanditExperiment(GatewayClient controller) {
        GatewayClient.Response prompt = controller.post("/v1/prompts", Map.of("name", "qa-answer", "version", "1.1.0",
                "system", "Answer in one short sentence, from the context only.",
                "user", "Context:\n{{context}}\n\nQuestion: {{question}}", "author", "cluster-it",
                "description", "shorter answers"));
        assertThat(prompt.status()).as(prompt.body().toString()).isEqualTo(201);
        GatewayClient.Response created = controller.post("/v1/experiments", Map.of("name", "Cluster bandit",
                "control", Map.of("name", "control", "promptVersion", "1.0.0", "model", "fake-gpt", "topK", 5),
                "treatments", List.of(Map.of("name", "short", "promptVersion", "1.1.0", "model", "fake-gpt",
                        "topK", 5)),
                "primaryMetric", "POSITIVE_FEEDBACK_RATE", "allocationMode", "bandit", "banditFloor", 0.1));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String experimentId = created.body().path("experimentId").asString();
        assertThat(controller.post("/v1/experiments/" + experimentId + "/start", Map.of()).status()).isEqualTo(200);

        await("the gateways route to the experiment").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> experimentId.equals(gateway(1)
                        .ask(QUESTION + " (experiment probe)", Map.of("userId", "probe")).body()
                        .path("variant").path("experimentId").asString()));
        for (int user = 0; user < 12; user++) {
            GatewayClient gateway = gateway(user % 2);
            GatewayClient.Response answer = gateway.ask(QUESTION + " #" + user, Map.of("userId", "user-" + user));
            assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
            String arm = answer.body().path("variant").path("variant").asString();
            assertThat(gateway.post("/v1/requests/" + answer.body().path("requestId").asString() + "/feedback",
                    Map.of("rating", arm.equals("short") ? "up" : "down")).status()).isEqualTo(202);
        }
        assertThat(controller.put("/v1/prompts/qa-answer/default", Map.of("version", "1.1.0")).status())
                .isEqualTo(200);
        return experimentId;
    }

    /** Records no service can read, on the topics the embedder, answer workers, gateways and aggregator consume. */
    private void sendPoisonRecords() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.layout().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String topic : List.of(Topics.REQUESTS.name(), Topics.CONTEXTS.name(), Topics.ANSWERS.name())) {
                producer.send(new ProducerRecord<>(topic, "poison".getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private GatewayClient gateway(int index) {
        return new GatewayClient(cluster.layout().gateways().get(index).url());
    }

    private Map<String, String> scrapes() {
        Map<String, String> scrapes = new TreeMap<>();
        for (ClusterLayout.Service service : cluster.layout().services()) {
            GatewayClient.Response scrape = new GatewayClient(service.url()).get("/actuator/prometheus");
            assertThat(scrape.status()).as(service.name()).isEqualTo(200);
            scrapes.put(service.name(), scrape.raw().body());
        }
        return scrapes;
    }

    private Optional<JsonNode> logLine(String processPrefix, java.util.function.Predicate<JsonNode> wanted) {
        List<JsonNode> found = new ArrayList<>();
        for (String process : cluster.processNames()) {
            if (!process.startsWith(processPrefix)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(cluster.layout().logOf(process), StandardCharsets.UTF_8)) {
                lines.filter(l -> l.startsWith("{")).map(JSON::readTree).filter(wanted).forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found.stream().findFirst();
    }

    /** The answer worker's client span of its LLM call ({@code qa.llm.call}, named after the model). */
    private static Optional<ReceivedSpan> llmCall(List<ReceivedSpan> trace) {
        return trace.stream().filter(s -> s.service().equals("qaflow-answer-worker")
                && s.kind().equals("SPAN_KIND_CLIENT")).findFirst();
    }

    private static ReceivedSpan first(List<ReceivedSpan> trace, String name) {
        return trace.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static String groupOf(String lagLine) {
        Matcher group = Pattern.compile("group=\"([^\"]*)\"").matcher(lagLine);
        return group.find() ? group.group(1) : "";
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
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
