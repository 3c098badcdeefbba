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
import io.qaflow.embedder.questions.OutputSender;
import io.qaflow.embedder.questions.QuestionBatchProcessor;
import io.qaflow.embedder.questions.QuestionConsumerStarter;
import io.qaflow.embedder.questions.QuestionListener;
import io.qaflow.embedder.questions.QuestionRecoverer;
import io.qaflow.embedder.retrieval.Bm25Index;
import io.qaflow.embedder.retrieval.CorpusIndex;
import io.qaflow.embedder.retrieval.DenseRetriever;
import io.qaflow.embedder.retrieval.HybridRetriever;
import io.qaflow.embedder.retrieval.Retriever;
import io.qaflow.embedder.web.CorpusHealthIndicator;
import io.qaflow.embedder.web.EmbeddingModelHealthIndicator;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.kafka.ListenerContainers;
import io.qaflow.kafka.ListenerSpec;
import io.qaflow.kafka.RecordObservations;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

@Configuration(proxyBeanMethods = false)
class EmbedderConfiguration {

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
    DocumentIndexer documentIndexer(Chunker chunker, EmbeddingModel model, CorpusIndex corpus,
                                    EmbedderProperties properties) {
        return new DocumentIndexer(chunker, model, corpus, properties.model().embedTitle());
    }

    @Bean
    CorpusIngestor corpusIngestor(CompactedTopicFollowers followers, EmbedderProperties properties,
                                  DocumentIndexer indexer, DeadLetters deadLetters, IndexStatus status,
                                  ApplicationEventPublisher events, EmbedderMetrics metrics) {
        return new CorpusIngestor(Topics.DOCUMENTS, followers, indexer, deadLetters, status, events, metrics,
                properties.ingest().pollTimeout(), properties.ingest().maxPollRecords());
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
            ListenerContainers containers, EmbedderProperties properties, QuestionBatchProcessor processor,
            EventPublisher publisher, DeadLetters deadLetters, EmbedderMetrics metrics,
            RecordObservations observations) {
        EmbedderProperties.Questions q = properties.questions();
        var recoverer = new QuestionRecoverer(deadLetters, publisher, processor, metrics);
        ListenerSpec spec = ListenerSpec.group(q.groupId(), "questions")
                .concurrency(q.concurrency())
                .polling(q.pollTimeout(), q.maxPollRecords())
                .retrying(new FixedBackOff(q.retryInterval().toMillis(), q.retryAttempts()))
                .recoveredBy(recoverer)
                .startedByOwner(); // once the index holds the corpus
        return containers.batches(spec, Topics.REQUESTS,
                new QuestionListener(processor, new OutputSender(publisher, metrics), recoverer, metrics,
                        observations, q.groupId()));
    }

    @Bean
    QuestionConsumerStarter questionConsumerStarter(
            ConcurrentMessageListenerContainer<String, QuestionAsked> questionContainer) {
        return new QuestionConsumerStarter(questionContainer);
    }
}
