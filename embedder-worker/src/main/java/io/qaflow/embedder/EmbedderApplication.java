package io.qaflow.embedder;

import io.qaflow.web.OwnEventLoops;
import java.util.HashMap;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The embedder worker: rebuilds an in-process index from {@code qa.documents.v1}, then turns questions from
 * {@code qa.requests.v1} into retrieved contexts on {@code qa.contexts.v1}. Its configuration file is
 * {@code embedder.yml}, so it can share a JVM and classpath with the other services.
 */
@SpringBootApplication
@Import(OwnEventLoops.class)
@EnableConfigurationProperties(EmbedderProperties.class)
public class EmbedderApplication {
    public static final String CONFIG_NAME = "embedder";

    /**
     * A builder with this app's config name. Properties given to it with {@code .properties(...)} (for example
     * {@code spring.kafka.bootstrap-servers} and {@code server.port}) override {@code embedder.yml}.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(EmbedderApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .listeners(new BuilderPropertiesOverrideConfigFile());
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * Spring Boot gives a builder's properties the lowest precedence, below the config file; a launcher that starts
     * this app with a broker address and port means them as overrides, so they are copied to the top.
     */
    static final class BuilderPropertiesOverrideConfigFile
            implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
        private static final String DEFAULT_PROPERTIES = "defaultProperties";

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            var sources = event.getEnvironment().getPropertySources();
            PropertySource<?> defaults = sources.get(DEFAULT_PROPERTIES);
            if (defaults instanceof MapPropertySource map) {
                sources.addFirst(new MapPropertySource("embedderBuilderProperties", new HashMap<>(map.getSource())));
            }
        }
    }
}
