package io.qaflow.gateway;

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
 * The qaflow HTTP gateway. Its configuration file is {@code gateway.yml} (not application.yml), so it can share a JVM
 * and a classpath with the other qaflow services.
 */
@SpringBootApplication
@Import(OwnEventLoops.class)
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static final String CONFIG_NAME = "gateway";

    /** A builder for this app with its own config name. */
    public static SpringApplicationBuilder builder() {
        return builder(Map.of());
    }

    /**
     * A builder for this app whose {@code overrides} win over gateway.yml (unlike
     * {@link SpringApplicationBuilder#properties}, which only supplies defaults). The local stack and tests pass
     * {@code server.port} and {@code spring.kafka.bootstrap-servers} this way.
     */
    public static SpringApplicationBuilder builder(Map<String, ?> overrides) {
        Map<String, Object> copy = Map.copyOf(overrides);
        ApplicationListener<ApplicationEnvironmentPreparedEvent> applyOverrides = event -> event.getEnvironment()
                .getPropertySources().addFirst(new MapPropertySource("qaflow-gateway-overrides", copy));
        return new SpringApplicationBuilder(GatewayApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .listeners(applyOverrides);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
