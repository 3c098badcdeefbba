package io.qaflow.answer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.answer.registry.PromptRegistryReader;
import io.qaflow.kafka.KafkaRuntime;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class PromptsHealthIndicatorTest {

    @Test
    void notReadyUntilTheRegistryIsLoaded() {
        PromptCatalog catalog = PromptCatalog.loading();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // never started (no broker there): only its status is read
        KafkaRuntime kafka = KafkaRuntime.standalone("prompts-health-test", "127.0.0.1:9", registry);
        PromptRegistryReader reader = new PromptRegistryReader(Topics.PROMPTS, kafka.followers(), catalog,
                kafka.deadLetters(), new AnswerMetrics(registry), Duration.ofMillis(100));
        PromptsHealthIndicator indicator = new PromptsHealthIndicator(reader);

        Health loading = indicator.health();
        assertThat(loading.getStatus()).isEqualTo(Status.DOWN);
        assertThat(loading.getDetails()).containsEntry("state", "loading").containsEntry("versions", 1);

        catalog.markLoaded();

        Health loaded = indicator.health();
        assertThat(loaded.getStatus()).isEqualTo(Status.UP);
        assertThat(loaded.getDetails()).containsEntry("state", "loaded");
    }
}
