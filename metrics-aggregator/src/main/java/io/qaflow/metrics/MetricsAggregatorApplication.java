package io.qaflow.metrics;

import io.qaflow.web.OwnEventLoops;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * The metrics aggregator: a Kafka Streams app turning terminal events and feedback into per experiment/variant
 * statistics on {@code qa.experiment-stats.v1}. Its config file is {@code metrics-aggregator.yml}, so it can share a
 * JVM and a classpath with the other qaflow apps.
 */
@SpringBootApplication
@Import(OwnEventLoops.class)
@EnableConfigurationProperties(MetricsAggregatorProperties.class)
public class MetricsAggregatorApplication {
    public static final String CONFIG_NAME = "metrics-aggregator";

    /** The application, ready for extra properties or profiles; used by {@link #main} and tests. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MetricsAggregatorApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
