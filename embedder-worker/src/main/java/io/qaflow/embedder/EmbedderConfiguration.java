package io.qaflow.embedder;

import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.embedder.cache.CachedEmbeddingModel;
import io.qaflow.embedder.cache.RedisSemanticCache;
import io.qaflow.embedder.cache.SemanticCache;
import io.qaflow.embedder.chunking.Chunker;
import io.qaflow.embedder.embedding.EmbeddingBatcher;
import io.qaflow.embedder.embedding.EmbeddingDevice;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.embedder.embedding.EmbeddingModels;
import io.qaflow.embedder.embedding.EmbeddingRuntime;
import io.qaflow.embedder.embedding.LoadedEmbeddingModel;
import io.qaflow.embedder.embedding.MiniLmOnnxEmbeddingModel;
import io.qaflow.embedder.embedding.WordPieceTokenCounter;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.index.VectorIndex;
import io.qaflow.embedder.ingest.CorpusIngestor;
import io.qaflow.embedder.ingest.CorpusVersionPublisher;
import io.qaflow.embedder.ingest.DocumentIndexer;
import io.qaflow.embedder.ingest.IndexStatus;
import io.qaflow.embedder.kafka.DeadLetters;
import io.qaflow.embedder.kafka.EventPublisher;
import io.qaflow.embedder.kafka.EventValueSerializer;
import io.qaflow.embedder.questions.QuestionBatchProcessor;
import io.qaflow.embedder.questions.QuestionConsumerStarter;
import io.qaflow.embedder.questions.OutputSender;
import io.qaflow.embedder.questions.QuestionListener;
import io.qaflow.embedder.questions.QuestionRecoverer;
import io.qaflow.embedder.retrieval.Bm25Index;
import io.qaflow.embedder.retrieval.CorpusIndex;
import io.qaflow.embedder.retrieval.DenseRetriever;
import io.qaflow.embedder.retrieval.HybridRetriever;
import io.qaflow.embedder.retrieval.Retriever;
import io.qaflow.embedder.web.CorpusHealthIndicator;
import io.qaflow.embedder.web.EmbeddingModelHealthIndicator;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.kafka.ClientDefaults;
import io.qaflow.model.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

@Configuration(proxyBeanMethods = false)
class EmbedderConfiguration {
    /** Distinguishes the Kafka client ids of several embedders in one JVM (the local stack, tests). */
    private final String instance = UUID.randomUUID().toString().substring(0, 8);

    @Bean
    KafkaAdmin.NewTopics qaflowTopics(EmbedderProperties properties) {
        return new KafkaAdmin.NewTopics(new TopicProvisioner(properties.topics().partitions(),
                properties.topics().replication()).newTopics().toArray(org.apache.kafka.clients.admin.NewTopic[]::new));
    }


    @Bean
    Clock embedderClock() {
        return Clock.systemUTC();
    }

    /**
     * The model on the engine and device the settings select; {@code gpu} without a usable GPU, or an engine missing
     * from the classpath, stops the start here.
     */
    @Bean(destroyMethod = "close")
    LoadedEmbeddingModel miniLmModel(EmbedderProperties properties) {
        EmbedderProperties.Model m = properties.model();
        return EmbeddingModels.load(m.engine(), properties.device(), new MiniLmOnnxEmbeddingModel.Settings(
                m.batchSize(), m.maxTokens(), m.threads(), m.intraOpThreads(), m.precision(), EmbeddingDevice.CPU));
    }

    /** What every other bean embeds with: concurrent small calls (questions) merged into full batches. */
    @Bean(destroyMethod = "close")
    @Primary
    EmbeddingBatcher embeddingModel(LoadedEmbeddingModel model, EmbedderProperties properties) {
        EmbedderProperties.Batching b = properties.model().batching();
        return new EmbeddingBatcher(model, new EmbeddingBatcher.Settings(b.maxTexts(), b.window(),
                model.parallelInferences()));
    }

    @Bean
    EmbeddingRuntime embeddingRuntime(LoadedEmbeddingModel model) {
        return model.runtime();
    }

    @Bean
    EmbeddingModelHealthIndicator embeddingModelHealthIndicator(EmbeddingRuntime runtime) {
        return new EmbeddingModelHealthIndicator(runtime);
    }

    @Bean(destroyMethod = "close")
    WordPieceTokenCounter tokenCounter() {
        return WordPieceTokenCounter.load();
    }

    @Bean
    Chunker chunker(WordPieceTokenCounter tokens, EmbedderProperties properties) {
        return new Chunker(tokens, new Chunker.Settings(properties.chunking().maxTokens(),
                properties.chunking().overlapTokens()));
    }

    @Bean
    VectorIndex vectorIndex(EmbeddingModel model) {
        return new InMemoryVectorIndex(model.dimensions());
    }

    @Bean
    Bm25Index lexicalIndex() {
        return new Bm25Index();
    }

    @Bean
    Retriever retriever(VectorIndex vectors, Bm25Index lexical, EmbedderProperties properties) {
        EmbedderProperties.Retrieval r = properties.retrieval();
        return switch (r.mode()) {
            case DENSE -> new DenseRetriever(vectors, r.maxChunksPerDocument());
            case HYBRID -> new HybridRetriever(vectors, lexical, new HybridRetriever.Settings(r.candidates(),
                    r.rrfK(), r.lexicalWeight(), r.maxChunksPerDocument()));
        };
    }

    @Bean
    CorpusIndex corpusIndex(VectorIndex vectors, Bm25Index lexical, Retriever retriever, EmbeddingModel model) {
        return new CorpusIndex(vectors, lexical, retriever, model.modelId());
    }

    @Bean
    IndexStatus indexStatus(CorpusIndex corpus) {
        return new IndexStatus(corpus);
    }

    @Bean
    CorpusVersionPublisher corpusVersionPublisher(CorpusIndex corpus, IndexStatus status, PipelineVersions versions,
                                                  RedisAvailability redis, EmbedderProperties properties) {
        return new CorpusVersionPublisher(corpus::corpusVersion, status, versions, redis,
                properties.cache().corpusVersionRepublish());
    }

    /**
     * The semantic cache when {@code qaflow.cache.enabled} and {@code qaflow.cache.semantic.enabled}; hits are picked
     * for verification by a {@link RandomGenerator} bean when the context has one (tests), else the JDK default.
     */
    @Bean
    SemanticCache semanticCache(CacheProperties cache, RedisAvailability redis, RedissonClient redisson,
                                AnswerCache answers, PipelineVersions versions, MeterRegistry registry,
                                ObjectProvider<RandomGenerator> random, EmbedderProperties properties) {
        if (!cache.enabled() || !cache.semantic().enabled()) {
            return SemanticCache.OFF;
        }
        return new RedisSemanticCache(redis, redisson, answers, versions, cache,
                random.getIfAvailable(RandomGenerator::getDefault), registry,
                properties.cache().semanticOpenContexts(), properties.cache().semanticRefresh());
    }

    @Bean
    EmbedderMetrics embedderMetrics(MeterRegistry registry, IndexStatus status) {
        return new EmbedderMetrics(registry, status);
    }

    @Bean
    CorpusHealthIndicator corpusHealthIndicator(IndexStatus status) {
        return new CorpusHealthIndicator(status);
    }

    @Bean
    KafkaTemplate<String, Object> embedderKafkaTemplate(KafkaProperties kafka) {
        Map<String, Object> config = ClientDefaults.producer(bootstrap(kafka), "qaflow-embedder-" + instance);
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, new StringSerializer(),
                new EventValueSerializer()));
    }

    @Bean
    EventPublisher eventPublisher(KafkaTemplate<String, Object> template) {
        return new EventPublisher(template);
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<String, Object> template) {
        return new DeadLetters(template);
    }

    @Bean
    DocumentIndexer documentIndexer(Chunker chunker, EmbeddingModel model, CorpusIndex corpus,
                                    EmbedderProperties properties) {
        return new DocumentIndexer(chunker, model, corpus, properties.model().embedTitle());
    }

    @Bean
    CorpusIngestor corpusIngestor(KafkaProperties kafka, EmbedderProperties properties, DocumentIndexer indexer,
                                  DeadLetters deadLetters, IndexStatus status, ApplicationEventPublisher events,
                                  EmbedderMetrics metrics) {
        Map<String, Object> config = ClientDefaults.consumer(bootstrap(kafka), null,
                "qaflow-embedder-corpus-" + instance);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.ingest().maxPollRecords());
        return new CorpusIngestor(Topics.DOCUMENTS,
                () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()),
                indexer, deadLetters, status, events, metrics, properties.ingest().pollTimeout());
    }

    /** Questions are embedded through the embedding cache; documents (DocumentIndexer) straight by the model. */
    @Bean
    QuestionBatchProcessor questionBatchProcessor(EmbeddingModel model, CorpusIndex corpus, Clock embedderClock,
                                                  EmbedderMetrics metrics, RedisAvailability redis,
                                                  CacheProperties cache, MeterRegistry registry,
                                                  SemanticCache semantic) {
        var questions = new CachedEmbeddingModel(model, redis, cache.embeddingTtl(), registry);
        return new QuestionBatchProcessor(questions, corpus, semantic, embedderClock, metrics);
    }

    @Bean
    ConcurrentMessageListenerContainer<String, QuestionAsked> questionContainer(
            KafkaProperties kafka, EmbedderProperties properties, QuestionBatchProcessor processor,
            EventPublisher publisher, DeadLetters deadLetters, EmbedderMetrics metrics) {
        EmbedderProperties.Questions q = properties.questions();
        Map<String, Object> config = ClientDefaults.consumer(bootstrap(kafka), q.groupId(),
                "qaflow-embedder-questions-" + instance);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, q.maxPollRecords());
        var consumerFactory = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(Topics.REQUESTS.valueSerde().deserializer()));

        ContainerProperties containerProperties = new ContainerProperties(Topics.REQUESTS.name());
        containerProperties.setAckMode(ContainerProperties.AckMode.BATCH);
        containerProperties.setPollTimeout(q.pollTimeout().toMillis());
        var container = new ConcurrentMessageListenerContainer<>(consumerFactory, containerProperties);
        container.setConcurrency(q.concurrency());
        container.setAutoStartup(false);
        var recoverer = new QuestionRecoverer(deadLetters, publisher, processor, metrics, q.sendTimeout());
        container.setupMessageListener(new QuestionListener(processor,
                new OutputSender(publisher, metrics, q.sendTimeout(), q.retryInterval(), q.retryAttempts()),
                recoverer, metrics));
        container.setCommonErrorHandler(new DefaultErrorHandler(recoverer,
                new FixedBackOff(q.retryInterval().toMillis(), q.retryAttempts())));
        return container;
    }

    @Bean
    QuestionConsumerStarter questionConsumerStarter(
            ConcurrentMessageListenerContainer<String, QuestionAsked> questionContainer) {
        return new QuestionConsumerStarter(questionContainer);
    }

    private static String bootstrap(KafkaProperties kafka) {
        return String.join(",", kafka.getBootstrapServers());
    }
}
