package io.qaflow.controller.report;

import com.sun.net.httpserver.HttpServer;
import io.qaflow.model.kafka.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the metrics aggregator's HTTP API, {@code GET /v1/experiments/{id}/stats} only, on a real socket:
 * the statistics it was given, 404 for other experiments (as the aggregator answers), and for an id it was told to
 * drop, a connection closed without an answer.
 */
public final class FakeAggregator implements AutoCloseable {
    private static final Pattern STATS = Pattern.compile("/v1/experiments/([^/]+)/stats");

    private final HttpServer server;
    private final Map<String, byte[]> stats = new ConcurrentHashMap<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();

    private FakeAggregator(HttpServer server) {
        this.server = server;
    }

    public static FakeAggregator start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeAggregator fake = new FakeAggregator(server);
            server.createContext("/", exchange -> {
                Matcher m = STATS.matcher(exchange.getRequestURI().getPath());
                String id = m.matches() ? m.group(1) : null;
                if (id != null && fake.dropped.contains(id)) {
                    exchange.close();
                    return;
                }
                byte[] body = id == null ? null : fake.stats.get(id);
                if (body == null) {
                    body = "{\"status\":404,\"title\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                    exchange.sendResponseHeaders(404, body.length);
                } else {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                }
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void serve(AggregatorStats experimentStats) {
        stats.put(experimentStats.experimentId(), Json.MAPPER.writeValueAsBytes(experimentStats));
    }

    public void drop(String experimentId) {
        dropped.add(experimentId);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
