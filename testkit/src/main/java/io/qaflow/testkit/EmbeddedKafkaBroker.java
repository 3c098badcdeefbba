package io.qaflow.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running in this JVM, from the Maven
 * artifacts. Its log directory is kept, so a broker restarted on the same directory comes back with its topics,
 * records and committed offsets. Topic auto-creation is off, as in production.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /** Starts a broker on a free port over a fresh temporary directory. */
    public static EmbeddedKafkaBroker startTemporary() {
        try {
            return start(Files.createTempDirectory("qaflow-kafka-"), 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker on {@code logDir}, formatting it first when it is new.
     *
     * @param port the client port, 0 for a free one
     * @param controllerPort the KRaft controller port, 0 for a free one
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort) {
        int clientPort = port == 0 ? freePort() : port;
        int quorumPort = controllerPort;
        if (controllerPort == 0) {
            // two free ports asked for one after the other can be the same one (a CI run saw it): ask until they differ
            do {
                quorumPort = freePort();
            } while (quorumPort == clientPort);
        }
        try {
            KafkaRaftServer server = KRaftNode.single(logDir, clientPort, quorumPort)
                    .server(Uuid.randomUuid().toString());
            server.startup();
            return new EmbeddedKafkaBroker(server, "127.0.0.1:" + clientPort, logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker failed to start on " + logDir + ": " + e.getMessage(), e);
        }
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

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
