package io.qaflow.controller;

import io.qaflow.web.OwnEventLoops;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;

/**
 * The qaflow experiment controller. Its configuration file is {@code experiment-controller.yml} (not
 * application.yml), so it can share a JVM and a classpath with the other qaflow services.
 */
@SpringBootApplication
@Import(OwnEventLoops.class)
@ConfigurationPropertiesScan
public class ExperimentControllerApplication {

    public static final String CONFIG_NAME = "experiment-controller";

    public static SpringApplicationBuilder builder() {
        return builder(Map.of());
    }

    /**
     * A builder for this app whose {@code overrides} win over experiment-controller.yml. The local stack and tests
     * pass {@code server.port} and {@code spring.kafka.bootstrap-servers} this way.
     */
    public static SpringApplicationBuilder builder(Map<String, ?> overrides) {
        Map<String, Object> copy = Map.copyOf(overrides);
        ApplicationListener<ApplicationEnvironmentPreparedEvent> applyOverrides = event -> event.getEnvironment()
                .getPropertySources().addFirst(new MapPropertySource("qaflow-experiment-controller-overrides", copy));
        return new SpringApplicationBuilder(ExperimentControllerApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .listeners(applyOverrides);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
