package io.qaflow.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests and the embedded default: the redis-server binary shipped inside the
 * {@code embedded-redis} jar, run as a child process on 127.0.0.1. It can be stopped and started again on the same
 * port, which is how tests take Redis away from a running service and give it back.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final int port;
    private final Path dataDir;
    private final boolean persistent;
    private RedisServer server;

    private EmbeddedRedis(int port, Path dataDir, boolean persistent) {
        this.port = port;
        this.dataDir = dataDir;
        this.persistent = persistent;
    }

    /** A throwaway server on a free port, nothing written to disk. */
    public static EmbeddedRedis startTemporary() {
        try {
            var redis = new EmbeddedRedis(freePort(), Files.createTempDirectory("qaflow-redis"), false);
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for Redis", e);
        }
    }

    /** A server keeping its data (append-only file) in {@code dataDir}, e.g. the local stack's. */
    public static EmbeddedRedis start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        var redis = new EmbeddedRedis(port == 0 ? freePort() : port, dataDir, true);
        redis.start();
        return redis;
    }

    /** Starts the server (again, after {@link #stop()}) on the same port and data directory. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            RedisServer starting = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("dir " + dataDir.toAbsolutePath())
                    .setting(persistent ? "appendonly yes" : "appendonly no")
                    .setting(persistent ? "save 60 1" : "save \"\"")
                    .setting("protected-mode no")
                    .onShutdownForceStop(true)
                    .build();
            starting.start();
            server = starting;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server on port " + port, e);
        }
    }

    /** Stops the server; clients see connection errors until {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop redis-server on port " + port, e);
        } finally {
            server = null;
        }
        awaitPortClosed();
    }

    /** stop() signals the process; it still accepts (and resets) connections for a moment while it exits. */
    private void awaitPortClosed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (var probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (IOException refused) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not exit within 10 s");
    }

    public int port() {
        return port;
    }

    /** The address in the form Redisson's {@code Config.useSingleServer().setAddress} takes. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
        if (!persistent) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary directory is harmless
            }
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
