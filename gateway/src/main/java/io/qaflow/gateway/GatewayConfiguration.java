package io.qaflow.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.gateway.api.ApiMetricsFilter;
import io.qaflow.gateway.api.JsonBodyReader;
import io.qaflow.gateway.api.ProblemExceptionHandler;
import io.qaflow.gateway.api.QuestionIntake;
import io.qaflow.gateway.api.RequestIdFilter;
import io.qaflow.gateway.kafka.EventPublisher;
import io.qaflow.gateway.kafka.ResultsAssignment;
import io.qaflow.gateway.requests.ExpirySweeper;
import io.qaflow.gateway.requests.IdempotencyStore;
import io.qaflow.gateway.requests.InMemoryIdempotencyStore;
import io.qaflow.gateway.requests.InMemoryRequestStatusStore;
import io.qaflow.gateway.requests.RequestStatusStore;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.gateway.requests.StatusUpdates;
import io.qaflow.gateway.requests.VariantResolver;
import io.qaflow.model.kafka.Topics;
import jakarta.validation.Validator;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's request tracking, stores and HTTP plumbing. Kafka wiring is in {@link GatewayKafkaConfiguration}. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    /**
     * Reactor Netty's global event loops are shut down by whichever app context closes first; own loops let the
     * local stack (and tests) stop another service in this JVM without taking the gateway's HTTP server with it.
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }

    @Bean
    Clock gatewayClock() {
        return Clock.systemUTC();
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean
    RequestStatusStore requestStatusStore(GatewayProperties properties, Clock clock) {
        return new InMemoryRequestStatusStore(properties.statusRetention(), properties.statusCapacity(), clock);
    }

    @Bean
    IdempotencyStore idempotencyStore(GatewayProperties properties) {
        return new InMemoryIdempotencyStore(properties.idempotencyTtl(), properties.idempotencyCapacity());
    }

    @Bean
    VariantResolver variantResolver() {
        return VariantResolver.defaults();
    }

    @Bean
    StatusUpdates statusUpdates() {
        return new StatusUpdates();
    }

    @Bean
    RequestTracker requestTracker(RequestStatusStore store, StatusUpdates updates, GatewayMetrics metrics,
                                  Clock clock, GatewayProperties properties) {
        return new RequestTracker(store, updates, metrics, clock, properties.expiryGrace());
    }

    @Bean
    ExpirySweeper expirySweeper(RequestTracker tracker, EventPublisher publisher, GatewayMetrics metrics,
                                GatewayProperties properties) {
        return new ExpirySweeper(tracker, event -> publisher.publish(Topics.FAILURES, event.requestId(), event),
                metrics, properties.sweepInterval());
    }

    @Bean
    QuestionIntake questionIntake(RequestTracker tracker, IdempotencyStore idempotency, VariantResolver variants,
                                  EventPublisher publisher, ResultsAssignment results, GatewayProperties properties,
                                  Clock clock) {
        return new QuestionIntake(tracker, idempotency, variants, publisher, results, properties, clock);
    }

    @Bean
    JsonBodyReader jsonBodyReader(Validator validator) {
        return new JsonBodyReader(validator);
    }

    @Bean
    ProblemExceptionHandler problemExceptionHandler(JsonMapper jsonMapper, GatewayMetrics metrics,
                                                    GatewayProperties properties) {
        return new ProblemExceptionHandler(jsonMapper, metrics, properties.retryAfter());
    }

    @Bean
    RequestIdFilter requestIdFilter() {
        return new RequestIdFilter();
    }

    @Bean
    ApiMetricsFilter apiMetricsFilter(GatewayMetrics metrics) {
        return new ApiMetricsFilter(metrics);
    }
}
