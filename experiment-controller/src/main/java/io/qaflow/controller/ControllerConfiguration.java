package io.qaflow.controller;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.controller.api.ExperimentFactory;
import io.qaflow.controller.api.ProblemExceptionHandler;
import io.qaflow.controller.kafka.StatePublisher;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.report.HttpStatsSource;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.report.StatsSource;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.web.JsonBodyReader;
import jakarta.validation.Validator;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The controller's parts other than Kafka wiring. */
@Configuration(proxyBeanMethods = false)
public class ControllerConfiguration {

    @Bean
    Clock controllerClock() {
        return Clock.systemUTC();
    }

    @Bean
    ExperimentStore experimentStore() {
        return new ExperimentStore();
    }

    @Bean
    ControllerMetrics controllerMetrics(MeterRegistry registry) {
        return new ControllerMetrics(registry);
    }

    @Bean
    StatePublisher statePublisher(KafkaTemplate<String, Object> controllerKafkaTemplate,
                                  ControllerProperties properties) {
        return new StatePublisher(controllerKafkaTemplate, properties.publishTimeout());
    }

    @Bean
    PromptRegistry promptRegistry(ExperimentStore store, StatePublisher publisher, ControllerMetrics metrics,
                                  Clock controllerClock) {
        return new PromptRegistry(store, publisher, metrics, controllerClock);
    }

    @Bean
    ExperimentService experimentService(ExperimentStore store, StatePublisher publisher, PromptRegistry promptRegistry,
                                        ControllerMetrics metrics, Clock controllerClock,
                                        ControllerProperties properties) {
        return new ExperimentService(store, publisher, promptRegistry, metrics, controllerClock,
                properties.bandit().toRule());
    }

    @Bean
    LatestVerdicts latestVerdicts() {
        return new LatestVerdicts();
    }

    @Bean
    StatsSource aggregatorStatsSource(ControllerProperties properties) {
        return new HttpStatsSource(properties.aggregatorUrl(), properties.aggregatorTimeout());
    }

    @Bean
    ExperimentFactory experimentFactory() {
        return new ExperimentFactory(new SecureRandom());
    }

    @Bean
    JsonBodyReader controllerJsonBodyReader(Validator validator) {
        return new JsonBodyReader(validator);
    }

    @Bean
    ProblemExceptionHandler controllerProblemExceptionHandler() {
        return new ProblemExceptionHandler(JsonMapper.builder().build());
    }

    /** Readiness: DOWN until the experiment and prompt topics were read up to their end at start. */
    @Bean
    HealthIndicator experimentStateHealthIndicator(ExperimentStore store) {
        return () -> store.caughtUp()
                ? Health.up().withDetail("experiments", store.size()).build()
                : Health.down().withDetail("reason", "reading qa.experiments.v1 and qa.prompts.v1").build();
    }
}
