package io.qaflow.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class AnswerWorkerPropertiesTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(PropertiesOnly.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AnswerWorkerProperties.class)
    static class PropertiesOnly {}

    @Test
    void defaultsMatchTheDocumentedBehaviour() {
        runner.run(context -> {
            AnswerWorkerProperties p = context.getBean(AnswerWorkerProperties.class);
            assertThat(p.consumer().groupId()).isEqualTo("qa-answer-worker");
            assertThat(p.consumer().maxInFlight()).isEqualTo(128);
            assertThat(p.llm().configured()).isFalse();
            assertThat(p.llm().callTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(p.resilience().circuitBreaker().consecutiveFailures()).isEqualTo(5);
            assertThat(p.resilience().circuitBreaker().failureRateThreshold()).isEqualTo(50f);
            assertThat(p.resilience().circuitBreaker().slidingWindowSize()).isEqualTo(20);
            assertThat(p.resilience().circuitBreaker().openDuration()).isEqualTo(Duration.ofSeconds(60));
            assertThat(p.resilience().retry().maxAttempts()).isEqualTo(3);
            assertThat(p.resilience().retry().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
            assertThat(p.resilience().retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
            assertThat(p.prices()).isEmpty();
        });
    }

    @Test
    void bindsPricesAndTheEndpoint() {
        runner.withPropertyValues("qaflow.answer.llm.base-url=http://localhost:8000/v1",
                        "qaflow.answer.prices.[llama3.1].input-per-million=0.1",
                        "qaflow.answer.prices.[llama3.1].output-per-million=0.2")
                .run(context -> {
                    AnswerWorkerProperties p = context.getBean(AnswerWorkerProperties.class);
                    assertThat(p.llm().configured()).isTrue();
                    assertThat(p.prices().get("llama3.1").outputPerMillion()).isEqualTo(0.2);
                });
    }

    @Test
    void rejectsInvalidSettings() {
        runner.withPropertyValues("qaflow.answer.consumer.max-in-flight=0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("qaflow.answer.resilience.retry.jitter=2")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("qaflow.answer.prices.m.input-per-million=-1")
                .run(context -> assertThat(context).hasFailed());
    }
}
