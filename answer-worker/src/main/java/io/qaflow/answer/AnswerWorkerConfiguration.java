package io.qaflow.answer;

import io.micrometer.core.instrument.MeterRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
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
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.answer.registry.PromptRegistryReader;
import io.qaflow.answer.resilience.Backoff;
import io.qaflow.answer.resilience.LlmResilience;
import io.qaflow.answer.resilience.ResilientLlmGenerator;
import io.qaflow.answer.worker.AnswerHandler;
import io.qaflow.answer.worker.ContextConsumerRunner;
import io.qaflow.answer.worker.ContextRecordProcessor;
import io.qaflow.answer.worker.EventPublisher;
import io.qaflow.model.kafka.ClientDefaults;
import io.qaflow.model.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** Wires the answer worker. Every bean is this app's own; nothing here assumes it is alone in the JVM. */
@Configuration(proxyBeanMethods = false)
class AnswerWorkerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AnswerWorkerConfiguration.class);


    @Bean
    Clock answerWorkerClock() {
        return Clock.systemUTC();
    }

    @Bean
    KafkaAdmin.NewTopics answerWorkerTopics(AnswerWorkerProperties properties) {
        return new KafkaAdmin.NewTopics(new TopicProvisioner(properties.topics().partitions(),
                properties.topics().replication()).newTopics().toArray(NewTopic[]::new));
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
    PromptRegistryReader promptRegistryReader(PromptCatalog catalog, EventPublisher publisher, KafkaProperties kafka,
                                              AnswerWorkerProperties properties, AnswerMetrics metrics) {
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        return new PromptRegistryReader(Topics.PROMPTS, () -> {
            // no group: assigned every partition, nothing committed
            Map<String, Object> props = ClientDefaults.consumer(bootstrap, null, clientId("qa-answer-worker-prompts"));
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            return new KafkaConsumer<>(props);
        }, catalog, publisher, metrics, properties.prompts().pollTimeout());
    }

    @Bean
    PromptsHealthIndicator promptsHealthIndicator(PromptRegistryReader reader) {
        return new PromptsHealthIndicator(reader);
    }

    /** The extractive answerer always; the LLM adapter only when {@code qaflow.answer.llm.base-url} is set. */
    @Bean(destroyMethod = "close")
    AnswerModels answerModels(AnswerWorkerProperties properties, Clock clock) {
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
        return new AnswerModels(extractive, Optional.of(new OpenAiAnswerModel(settings, clock)));
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

    @Bean(destroyMethod = "close")
    EventPublisher answerEventPublisher(KafkaProperties kafka) {
        return EventPublisher.create(String.join(",", kafka.getBootstrapServers()),
                clientId("qa-answer-worker-producer"));
    }

    @Bean
    AnswerHandler answerHandler(AnswerGenerator generator, ModelChoice models, AnswerCaching cache,
                                PromptCatalog prompts, PriceTable prices, EventPublisher publisher,
                                AnswerMetrics metrics, AnswerWorkerProperties properties, Clock clock) {
        return new AnswerHandler(generator, models, cache, prompts, new PromptRenderer(), prices, publisher, metrics,
                properties.llm().callTimeout(), properties.consumer().publishRetryBackoff(),
                properties.prompts().loadWait(), properties.prompts().unknownVersionWait(), clock);
    }

    @Bean
    ContextRecordProcessor contextRecordProcessor(AnswerHandler handler, EventPublisher publisher,
                                                  AnswerMetrics metrics, AnswerWorkerProperties properties) {
        return new ContextRecordProcessor(handler, publisher, metrics, properties.consumer().publishRetryBackoff());
    }

    @Bean
    ContextConsumerRunner contextConsumerRunner(ContextRecordProcessor processor, KafkaProperties kafka,
                                                AnswerWorkerProperties properties, AnswerMetrics metrics) {
        AnswerWorkerProperties.Consumer settings = properties.consumer();
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        ContextConsumerRunner runner = new ContextConsumerRunner(() -> {
            Map<String, Object> props = ClientDefaults.consumer(bootstrap, settings.groupId(),
                    clientId("qa-answer-worker"));
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
            // a rebalance revokes only the partitions that move, so the others' in-flight work is not redone
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            return new KafkaConsumer<>(props);
        }, processor, settings.maxInFlight(), settings.pollTimeout(), settings.shutdownTimeout());
        metrics.inFlightGauge(runner::inFlight);
        return runner;
    }

    @Bean
    AnswerConsumerHealthIndicator answerConsumerHealthIndicator(ContextConsumerRunner runner) {
        return new AnswerConsumerHealthIndicator(runner);
    }

    @Bean
    LlmHealthIndicator llmHealthIndicator(LlmResilience resilience, AnswerModels models) {
        return new LlmHealthIndicator(resilience, models.llm().isPresent());
    }

    /** Unique per client: several qaflow apps, or a restarted consumer, may share this JVM. */
    private static String clientId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
