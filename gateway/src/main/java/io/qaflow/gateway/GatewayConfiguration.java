package io.qaflow.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.gateway.api.ApiMetricsFilter;
import io.qaflow.gateway.api.GatewayProblems;
import io.qaflow.gateway.api.QuestionIntake;
import io.qaflow.gateway.api.RequestIdFilter;
import io.qaflow.gateway.cache.CacheWarmer;
import io.qaflow.gateway.cache.GatewayAnswerCache;
import io.qaflow.gateway.cache.ObservedAnswers;
import io.qaflow.gateway.experiments.ExperimentCatalog;
import io.qaflow.gateway.experiments.ExperimentVariantResolver;
import io.qaflow.gateway.kafka.ResultsAssignment;
import io.qaflow.gateway.requests.ExpirySweeper;
import io.qaflow.gateway.requests.IdempotencyStore;
import io.qaflow.gateway.requests.InMemoryIdempotencyStore;
import io.qaflow.gateway.requests.InMemoryRequestStatusStore;
import io.qaflow.gateway.requests.RequestStatusStore;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.gateway.requests.StatusUpdates;
import io.qaflow.gateway.requests.VariantResolver;
import io.qaflow.gateway.shared.FallbackRequestStatusStore;
import io.qaflow.gateway.shared.RedisRequestStatusStore;
import io.qaflow.gateway.shared.SharedIdempotencyStore;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.web.JsonBodyReader;
import jakarta.validation.Validator;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's request tracking, stores and HTTP plumbing. Kafka wiring is in {@link GatewayKafkaConfiguration}. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {


    @Bean
    Clock gatewayClock() {
        return Clock.systemUTC();
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    /** Shared through Redis; this replica's own requests also in memory, which serves while Redis is away. */
    @Bean
    RequestStatusStore requestStatusStore(GatewayProperties properties, RedisAvailability redis, Clock clock) {
        return new FallbackRequestStatusStore(
                new RedisRequestStatusStore(redis, properties.sharedStatusRetention(), clock),
                new InMemoryRequestStatusStore(properties.statusRetention(), properties.statusCapacity(), clock),
                redis, properties.orphanExpiryDelay());
    }

    @Bean
    IdempotencyStore idempotencyStore(GatewayProperties properties, RedisAvailability redis) {
        return new SharedIdempotencyStore(redis,
                new InMemoryIdempotencyStore(properties.idempotencyTtl(), properties.idempotencyCapacity()),
                properties.idempotencyTtl());
    }

    @Bean
    GatewayAnswerCache gatewayAnswerCache(AnswerCache answerCache, PipelineVersions versions, RedisAvailability redis,
                                          CacheProperties cache) {
        return new GatewayAnswerCache(answerCache, versions, redis, cache.enabled());
    }

    @Bean
    ObservedAnswers observedAnswers() {
        return new ObservedAnswers();
    }

    @Bean
    CacheWarmer cacheWarmer(GatewayAnswerCache answers, QuestionIntake intake, RedisAvailability redis,
                            GatewayProperties properties, Clock clock) {
        return new CacheWarmer(answers, intake, redis, properties.warming().interval(), properties.warming().top(),
                properties.instanceId(), clock);
    }

    /** The running experiment's arms, else the defaults with the published default prompt version. */
    @Bean
    VariantResolver variantResolver(ExperimentCatalog experimentCatalog, MeterRegistry registry) {
        return new ExperimentVariantResolver(experimentCatalog, registry);
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
        return new ExpirySweeper(tracker,
                event -> Mono.fromFuture(() -> publisher.publish(Topics.FAILURES, event.requestId(), event), true)
                        .then(),
                metrics, properties.sweepInterval());
    }

    @Bean
    QuestionIntake questionIntake(RequestTracker tracker, IdempotencyStore idempotency, VariantResolver variants,
                                  EventPublisher publisher, GatewayAnswerCache answers, ResultsAssignment results,
                                  GatewayProperties properties, Clock clock) {
        return new QuestionIntake(tracker, idempotency, variants, publisher, answers, results, properties, clock);
    }

    @Bean
    JsonBodyReader jsonBodyReader(Validator validator) {
        return new JsonBodyReader(validator);
    }

    @Bean
    GatewayProblems gatewayProblems(GatewayMetrics metrics, GatewayProperties properties) {
        return new GatewayProblems(metrics, properties.retryAfter());
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
