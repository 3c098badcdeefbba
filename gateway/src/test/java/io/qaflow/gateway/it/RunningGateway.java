package io.qaflow.gateway.it;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.gateway.GatewayApplication;
import io.qaflow.gateway.kafka.ResultsAssignment;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The real gateway application on a free port, started the way the local stack starts it. */
final class RunningGateway implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final URI baseUri;

    private RunningGateway(ConfigurableApplicationContext context) {
        this.context = context;
        Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
        this.baseUri = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the gateway against {@code bootstrapServers} and waits until it reads the result topics. */
    static RunningGateway startReady(String bootstrapServers, Map<String, String> properties) {
        RunningGateway gateway = start(bootstrapServers, properties);
        await().atMost(Duration.ofSeconds(60)).until(gateway::isReady);
        return gateway;
    }

    static RunningGateway start(String bootstrapServers, Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.put("server.port", "0");
        all.put("spring.kafka.bootstrap-servers", bootstrapServers);
        // tests that give no Redis run the gateway on its in-process stores, switched off on purpose
        all.putIfAbsent("qaflow.redis.enabled", properties.containsKey("qaflow.redis.url") ? "true" : "false");
        return new RunningGateway(GatewayApplication.builder(all).run());
    }

    boolean isReady() {
        return context.getBean(ResultsAssignment.class).isReady();
    }

    URI uri(String path) {
        return baseUri.resolve(path);
    }

    URI baseUri() {
        return baseUri;
    }

    MeterRegistry meters() {
        return context.getBean(MeterRegistry.class);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
