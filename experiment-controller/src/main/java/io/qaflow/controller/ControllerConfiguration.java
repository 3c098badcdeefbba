package io.qaflow.controller;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.controller.api.ControllerProblems;
import io.qaflow.controller.api.ExperimentFactory;
import io.qaflow.controller.freshness.VerdictFreshness;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.report.HttpStatsSource;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.report.StatsSource;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.web.JsonBodyReader;
import jakarta.validation.Validator;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
    PromptRegistry promptRegistry(ExperimentStore store, EventPublisher publisher, ControllerMetrics metrics,
                                  Clock controllerClock) {
        return new PromptRegistry(store, publisher, metrics, controllerClock);
    }

    @Bean
    ExperimentService experimentService(ExperimentStore store, EventPublisher publisher, PromptRegistry promptRegistry,
                                        ControllerMetrics metrics, Clock controllerClock,
                                        ControllerProperties properties) {
        return new ExperimentService(store, publisher, promptRegistry, metrics, controllerClock,
                properties.bandit().toRule(), properties.verdictMaxAge());
    }

    @Bean
    LatestVerdicts latestVerdicts() {
        return new LatestVerdicts();
    }

    /** The {@code verdicts} health indicator and the {@code qa.experiment.verdict.age} gauge. */
    @Bean
    VerdictFreshness verdictsHealthIndicator(ExperimentStore store, LatestVerdicts latestVerdicts,
                                             ControllerProperties properties, Clock controllerClock,
                                             MeterRegistry registry) {
        return new VerdictFreshness(store, latestVerdicts, properties.verdictMaxAge(), controllerClock, registry);
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
    ControllerProblems controllerProblems() {
        return new ControllerProblems();
    }

    /** Readiness: DOWN until the experiment and prompt topics were read up to their end at start. */
    @Bean
    HealthIndicator experimentStateHealthIndicator(ExperimentStore store) {
        return () -> store.caughtUp()
                ? Health.up().withDetail("experiments", store.size()).build()
                : Health.down().withDetail("reason", "reading qa.experiments.v1 and qa.prompts.v1").build();
    }
}
