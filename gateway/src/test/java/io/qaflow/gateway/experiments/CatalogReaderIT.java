package io.qaflow.gateway.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.kafka.KafkaClients;
import io.qaflow.kafka.KafkaRuntime;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The catalog reader on a real broker: it waits for a broker that is not there yet, skips unreadable records, is caught
 * up only once it has read everything published before it connected, and survives the broker going away and coming back, resuming where it
 * stopped (no record read twice, so no older state replayed).
 */
class CatalogReaderIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final List<Arm> ARMS = List.of(new Arm("control", "1.0.0", "auto", 5, 1),
            new Arm("treatment", "1.1.0", "auto", 5, 1));
    private static final int EXPERIMENTS = 300;

    @Test
    void readsEverythingBeforeCatchingUpAndResumesAfterTheBrokerComesBack() throws Exception {
        Path logDir = Files.createTempDirectory("qaflow-catalog-");
        int port = freePort();
        int controllerPort = freePort();
        String bootstrap = "127.0.0.1:" + port;
        ExperimentCatalog catalog = new ExperimentCatalog();
        CatalogReader reader = reader(bootstrap, catalog);
        EmbeddedKafkaBroker broker = null;
        try {
            // no broker yet: the reader waits and is not caught up
            reader.start();
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> !reader.caughtUp());

            broker = EmbeddedKafkaBroker.start(logDir, port, controllerPort);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicProvisioner.singleBroker(3).provision(admin);
            }
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                // every experiment DRAFT then RUNNING; the last one ends RUNNING only if read in order
                for (int i = 0; i < EXPERIMENTS; i++) {
                    send(producer, Topics.EXPERIMENTS, "e-" + i, experiment("e-" + i, Status.DRAFT, i));
                    send(producer, Topics.EXPERIMENTS, "e-" + i, experiment("e-" + i, Status.RUNNING, i));
                }
                send(producer, Topics.PROMPTS, PromptVersion.defaultKey(Variant.DEFAULT_PROMPT), prompt("1.2.0"));
                send(producer, Topics.PROMPTS, PromptVersion.versionKey(Variant.DEFAULT_PROMPT, "1.3.0"),
                        prompt("1.3.0"));
                producer.send(new ProducerRecord<>(Topics.PROMPTS.name(), "qa-answer",
                        "garbage".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
            }

            // the end offsets it checks against are those of its first connection, which may precede some records:
            // caught up means at least what was there then; all of it arrives within the wait
            await().atMost(WAIT).until(reader::caughtUp);
            await().atMost(WAIT).until(() -> catalog.experiments().size() == EXPERIMENTS);
            assertThat(catalog.running()).hasSize(EXPERIMENTS);
            assertThat(catalog.activeExperiment()).map(ExperimentState::experimentId).contains("e-0");
            // the unreadable record on the default key was skipped, the earlier default kept
            await().atMost(WAIT).until(() -> reader.recordsSkipped() == 1);
            assertThat(catalog.defaultPromptVersion(Variant.DEFAULT_PROMPT)).contains("1.2.0");
            long applied = reader.recordsApplied();
            assertThat(applied).isEqualTo(2L * EXPERIMENTS + 2);

            // Kafka goes away and comes back: the reader keeps its catalog, reconnects and resumes
            broker.close();
            broker = null;
            assertThat(catalog.activeExperiment()).isPresent();
            broker = EmbeddedKafkaBroker.start(logDir, port, controllerPort);
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                send(producer, Topics.EXPERIMENTS, "e-0", experiment("e-0", Status.ROLLED_BACK, 0));
            }
            await().atMost(WAIT).until(() -> catalog.activeExperiment().map(ExperimentState::experimentId)
                    .filter("e-1"::equals).isPresent());
            assertThat(reader.recordsApplied()).as("nothing read twice").isEqualTo(applied + 1);
            assertThat(reader.caughtUp()).isTrue();

            // a replica starting now is caught up only with everything already there
            ExperimentCatalog late = new ExperimentCatalog();
            CatalogReader lateReader = reader(bootstrap, late);
            lateReader.start();
            try {
                await().atMost(WAIT).until(lateReader::caughtUp);
                assertThat(late.experiments()).hasSize(EXPERIMENTS);
                assertThat(late.experiments().get("e-0").status()).isEqualTo(Status.ROLLED_BACK);
                assertThat(late.activeExperiment()).map(ExperimentState::experimentId).contains("e-1");
                assertThat(late.defaultPromptVersion(Variant.DEFAULT_PROMPT)).contains("1.2.0");
                assertThat(lateReader.recordsApplied()).isEqualTo(applied + 1);
            } finally {
                lateReader.stop();
            }
        } finally {
            reader.stop();
            if (broker != null) {
                broker.close();
            }
        }
        assertThat(reader.isRunning()).isFalse();
    }

    private static CatalogReader reader(String bootstrap, ExperimentCatalog catalog) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaRuntime kafka = KafkaRuntime.standalone("catalog-reader-it", bootstrap, registry);
        return new CatalogReader(kafka.followers(), catalog, new GatewayMetrics(registry), Duration.ofMillis(200),
                Duration.ofMillis(300));
    }

    private static ExperimentState experiment(String id, Status status, int startOffsetSeconds) {
        return ExperimentState.of(id, ARMS, "control", status, T0.plusSeconds(startOffsetSeconds), T0);
    }

    private static PromptVersion prompt(String version) {
        return PromptVersion.of(Variant.DEFAULT_PROMPT, version, "", "{{context}} {{question}}", "it", "", 10, T0)
                .asDefault(T0);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(KafkaClients.producerConfigFor(bootstrap, "catalog-reader-it"), new StringSerializer(),
                new ByteArraySerializer());
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)))
                .get(10, TimeUnit.SECONDS);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
