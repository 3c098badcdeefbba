package io.qaflow.answer;

import io.qaflow.web.OwnEventLoops;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * The answer worker: consumes retrieved contexts from {@code qa.contexts.v1}, answers them with the configured
 * LLM (or the built-in extractive answerer) and publishes the terminal events. Its config file is
 * {@code answer-worker.yml}, so it can share a JVM and a classpath with the other qaflow apps.
 */
@SpringBootApplication
@Import(OwnEventLoops.class)
@EnableConfigurationProperties(AnswerWorkerProperties.class)
public class AnswerWorkerApplication {
    public static final String CONFIG_NAME = "answer-worker";

    /** The application, ready for extra properties or profiles; used by {@link #main} and the local stack. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(AnswerWorkerApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
