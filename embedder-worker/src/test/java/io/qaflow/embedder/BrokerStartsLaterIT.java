package io.qaflow.embedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.embedder.ingest.IndexStatus;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** An embedder started before its broker keeps trying, and builds the index once the broker is there. */
class BrokerStartsLaterIT {

    @Test
    void ingestionRecoversWhenTheBrokerComesUpAfterTheApp() throws Exception {
        int port = freePort();
        try (ConfigurableApplicationContext app = EmbedderApplication.builder()
                .properties("spring.kafka.bootstrap-servers=127.0.0.1:" + port, "server.port=0",
                        "spring.kafka.admin.operation-timeout=1s", "spring.kafka.admin.close-timeout=1s")
                .run()) {
            IndexStatus status = app.getBean(IndexStatus.class);
            assertThat(status.awaitCaughtUp(Duration.ofSeconds(2))).isFalse();

            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("qaflow-late-"),
                    port, 0)) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
                    TopicProvisioner.singleBroker(3).provision(admin);
                }
                try (KafkaTopics kafka = new KafkaTopics(broker.bootstrapServers())) {
                    kafka.send(Topics.DOCUMENTS, "late-1", DocumentSubmitted.of("late-1", "Late",
                            "Written after the embedder started.", Map.of(), Instant.now()));
                }
                assertThat(status.awaitCaughtUp(Duration.ofSeconds(90))).isTrue();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> status.documents() == 1);
                app.close(); // while the broker is still up, so the Kafka clients shut down without waiting for it
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
