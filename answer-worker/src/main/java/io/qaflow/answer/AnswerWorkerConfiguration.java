package io.qaflow.answer;

import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.answer.cache.AnswerCaching;
import io.qaflow.answer.cache.AutoModelPublisher;
import io.qaflow.answer.cache.RedisAnswerCaching;
import io.qaflow.answer.cache.SemanticVerifications;
import io.qaflow.answer.cost.PriceTable;
import io.qaflow.answer.extractive.ExtractiveAnswerModel;
import io.qaflow.answer.generation.AnswerGenerator;
import io.qaflow.answer.generation.DirectGenerator;
import io.qaflow.answer.llm.OpenAiAnswerModel;
import io.qaflow.answer.llm.OpenAiSettings;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.model.AnswerModel;
import io.qaflow.answer.model.ModelChoice;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.answer.registry.PromptRegistryReader;
import io.qaflow.answer.resilience.Backoff;
import io.qaflow.answer.resilience.LlmResilience;
import io.qaflow.answer.resilience.ResilientLlmGenerator;
import io.qaflow.answer.worker.AnswerHandler;
import io.qaflow.answer.worker.ContextRecordProcessor;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.kafka.ConcurrentRecordConsumer;
import io.qaflow.kafka.ConcurrentRecordConsumers;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.model.kafka.Topics;
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the answer worker. Every bean is this app's own; nothing here assumes it is alone in the JVM. */
@Configuration(proxyBeanMethods = false)
class AnswerWorkerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AnswerWorkerConfiguration.class);


    @Bean
    Clock answerWorkerClock() {
        return Clock.systemUTC();
    }

    @Bean
    AnswerMetrics answerMetrics(MeterRegistry registry) {
        return new AnswerMetrics(registry);
    }

    /** The built-in prompt plus every version in the prompt registry, kept up to date by the reader. */
    @Bean
    PromptCatalog promptCatalog() {
        return PromptCatalog.loading();
    }

    @Bean
    PromptRegistryReader promptRegistryReader(PromptCatalog catalog, CompactedTopicFollowers followers,
                                              DeadLetters deadLetters, AnswerWorkerProperties properties,
                                              AnswerMetrics metrics) {
        return new PromptRegistryReader(Topics.PROMPTS, followers, catalog, deadLetters, metrics,
                properties.prompts().pollTimeout());
    }

    @Bean
    PromptsHealthIndicator promptsHealthIndicator(PromptRegistryReader reader) {
        return new PromptsHealthIndicator(reader);
    }

    /** The extractive answerer always; the LLM adapter only when {@code qaflow.answer.llm.base-url} is set. */
    @Bean(destroyMethod = "close")
    AnswerModels answerModels(AnswerWorkerProperties properties, Clock clock,
                              ObjectProvider<ObservationRegistry> observations) {
        AnswerWorkerProperties.Extractive e = properties.extractive();
        ExtractiveAnswerModel extractive = new ExtractiveAnswerModel(e.modelName(), e.secondSentenceRatio(), e.rankBonus(), e.contextWeight());
        AnswerWorkerProperties.Llm llm = properties.llm();
        if (!llm.configured()) {
            log.info("no LLM endpoint configured (qaflow.answer.llm.base-url / QAFLOW_LLM_BASE_URL); "
                    + "the extractive answerer answers every question");
            return new AnswerModels(extractive, Optional.empty());
        }
        OpenAiSettings settings = new OpenAiSettings(llm.baseUrl(), llm.apiKey(), llm.model(), llm.connectTimeout(),
                llm.maxTokens(), llm.temperature());
        log.info("answering with {}; the extractive answerer is the degraded fallback", settings);
        return new AnswerModels(extractive, Optional.of(new OpenAiAnswerModel(settings, clock,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP))));
    }

    /** Which model answers what; its {@code autoModel()} is what "auto" answers carry and the cache keys name. */
    @Bean
    ModelChoice modelChoice(AnswerModels models) {
        return new ModelChoice(models.llm().map(AnswerModel::name), models.extractive().name());
    }

    @Bean
    AutoModelPublisher autoModelPublisher(PipelineVersions versions, RedisAvailability redis, ModelChoice models,
                                          RedisProperties redisProperties) {
        return new AutoModelPublisher(versions, redis, models.autoModel(), redisProperties.probeInterval());
    }

    @Bean
    SemanticVerifications semanticVerifications(MeterRegistry registry) {
        return new SemanticVerifications(registry);
    }

    /**
     * The shared answer cache unless {@code qaflow.cache.enabled=false}. A lookup waits at most a little longer than
     * Redis' own time limit (which already degrades to memory-only when Redis does not answer).
     */
    @Bean
    AnswerCaching answerCaching(CacheProperties cacheProperties, AnswerCache cache, RedisAvailability redis,
                                RedisProperties redisProperties, SemanticVerifications verifications,
                                MeterRegistry registry) {
        if (!cacheProperties.enabled()) {
            log.info("the answer cache is switched off (qaflow.cache.enabled=false): every question is answered afresh");
            return AnswerCaching.OFF;
        }
        Duration lookupTimeout = redisProperties.commandTimeout().multipliedBy(3);
        return new RedisAnswerCaching(cache, redis, verifications, lookupTimeout, registry);
    }

    @Bean
    LlmResilience llmResilience(AnswerWorkerProperties properties, MeterRegistry registry, Clock clock) {
        AnswerWorkerProperties.Retry retry = properties.resilience().retry();
        Backoff backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff(), retry.multiplier(), retry.jitter(),
                new SplittableRandom());
        LlmResilience resilience = LlmResilience.create(properties.resilience(), properties.llm().minAttemptTime(),
                backoff, clock);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(resilience.circuitBreakers()).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(resilience.retries()).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(resilience.bulkheads()).bindTo(registry);
        return resilience;
    }

    @Bean
    AnswerGenerator answerGenerator(AnswerWorkerProperties properties, AnswerModels models,
                                    LlmResilience resilience, AnswerMetrics metrics, Clock clock) {
        if (models.llm().isEmpty()) {
            return new DirectGenerator(models.extractive());
        }
        AnswerWorkerProperties.Llm settings = properties.llm();
        return new ResilientLlmGenerator(models.llm().get(), models.extractive(), resilience, settings.callTimeout(),
                settings.deadlineReserve(), settings.minAttemptTime(), metrics, clock);
    }

    @Bean
    PriceTable priceTable(AnswerWorkerProperties properties) {
        return new PriceTable(properties.prices(), Set.of(properties.extractive().modelName()));
    }

    @Bean
    AnswerHandler answerHandler(AnswerGenerator generator, ModelChoice models, AnswerCaching cache,
                                PromptCatalog prompts, PriceTable prices, EventPublisher publisher,
                                AnswerMetrics metrics, AnswerWorkerProperties properties, Clock clock,
                                ObjectProvider<ObservationRegistry> observations) {
        return new AnswerHandler(generator, models, cache, prompts, new PromptRenderer(), prices, publisher, metrics,
                properties.llm().callTimeout(), properties.prompts().loadWait(),
                properties.prompts().unknownVersionWait(), clock,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    ContextRecordProcessor contextRecordProcessor(AnswerHandler handler, AnswerMetrics metrics) {
        return new ContextRecordProcessor(handler, metrics);
    }

    @Bean
    ConcurrentRecordConsumer contextConsumer(ConcurrentRecordConsumers consumers, ContextRecordProcessor processor,
                                             AnswerWorkerProperties properties, AnswerMetrics metrics) {
        AnswerWorkerProperties.Consumer settings = properties.consumer();
        ConcurrentRecordConsumer consumer = consumers.create(Topics.CONTEXTS, settings.groupId(),
                new ConcurrentRecordConsumer.Settings(settings.maxInFlight(), settings.pollTimeout(),
                        settings.maxPollRecords(), settings.shutdownTimeout()), processor);
        metrics.inFlightGauge(consumer::inFlight);
        return consumer;
    }

    @Bean
    AnswerConsumerHealthIndicator answerConsumerHealthIndicator(ConcurrentRecordConsumer contextConsumer) {
        return new AnswerConsumerHealthIndicator(contextConsumer);
    }

    @Bean
    LlmHealthIndicator llmHealthIndicator(LlmResilience resilience, AnswerModels models) {
        return new LlmHealthIndicator(resilience, models.llm().isPresent());
    }
}
