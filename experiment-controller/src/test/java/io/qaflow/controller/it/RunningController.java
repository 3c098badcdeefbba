package io.qaflow.controller.it;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.controller.ExperimentControllerApplication;
import io.qaflow.controller.state.ExperimentStore;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The real controller application on a free port, started with its builder as the local stack would. */
final class RunningController implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final URI baseUri;

    private RunningController(ConfigurableApplicationContext context) {
        this.context = context;
        Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
        this.baseUri = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Starts the controller, reading statistics from {@code aggregatorUrl}, and waits until it has read the experiment
     * and prompt topics.
     */
    static RunningController startReady(String bootstrapServers, URI aggregatorUrl) {
        RunningController controller = new RunningController(ExperimentControllerApplication.builder(Map.of(
                "server.port", "0",
                "spring.kafka.bootstrap-servers", bootstrapServers,
                "qaflow.kafka.topics.partitions", "2",
                "qaflow.experiment-controller.aggregator-url", aggregatorUrl.toString(),
                "qaflow.experiment-controller.aggregator-timeout", "2s")).run());
        await().atMost(Duration.ofSeconds(60)).until(() -> controller.context.getBean(ExperimentStore.class)
                .caughtUp());
        return controller;
    }

    URI uri(String path) {
        return baseUri.resolve(path);
    }

    double counter(String name, String... tags) {
        var counter = context.getBean(MeterRegistry.class).find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        context.close();
    }
}
