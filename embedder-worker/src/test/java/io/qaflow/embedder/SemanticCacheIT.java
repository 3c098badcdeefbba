package io.qaflow.embedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.embedder.ingest.IndexStatus;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.EventIds;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisKeys;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import io.qaflow.testkit.squad.Squad;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.redisson.config.Config;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The semantic cache end to end, on a real broker and a real Redis: a question earlier answered (its answer put in
 * the answer cache, as the answer worker does) serves a paraphrase of it from the embedder directly, a sampled hit is
 * answered afresh naming its candidate, an unrelated question is retrieved as usual; and the corpus version contexts
 * carry is the one published to Redis.
 */
class SemanticCacheIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "gpt-test";
    private static final Variant VARIANT = new Variant("default", "control", "qa-answer", "1.0.0", MODEL, 5);

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedRedis redisServer;
    private static KafkaTopics kafka;
    private static RedissonClient redisson;
    private static RedisAvailability testRedis;
    private static AnswerCache answers;
    private static final ForcedRandom sampler = new ForcedRandom();
    private static ConfigurableApplicationContext app;

    /** Decides whether a hit is verified: {@code nextDouble() < verifySample (0.1)}. */
    static final class ForcedRandom implements RandomGenerator {
        volatile double next = 0.99;

        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public double nextDouble() {
            return next;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startTemporary();
        redisServer = EmbeddedRedis.startTemporary();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(3).provision(admin);
        }
        kafka = new KafkaTopics(broker.bootstrapServers());
        for (Squad.Paragraph p : Squad.superBowl50().paragraphs().subList(0, 8)) {
            kafka.send(Topics.DOCUMENTS, p.documentId(),
                    DocumentSubmitted.of(p.documentId(), p.title(), p.text(), Map.of(), Instant.now()));
        }

        Config config = new Config();
        config.useSingleServer().setAddress(redisServer.url());
        redisson = Redisson.create(config);
        SimpleMeterRegistry testRegistry = new SimpleMeterRegistry();
        testRedis = new RedisAvailability(redisson.reactive(), Duration.ofSeconds(1), Duration.ofMillis(200),
                testRegistry);
        testRedis.start();
        answers = new AnswerCache(testRedis, new CacheProperties(true, Duration.ofHours(1), Duration.ofMinutes(1),
                100, Duration.ofHours(1), new CacheProperties.Semantic(true, 0.95, 0.1, 5000)), testRegistry);

        app = EmbedderApplication.builder()
                .properties("spring.kafka.bootstrap-servers=" + broker.bootstrapServers(), "server.port=0",
                        "qaflow.redis.url=" + redisServer.url(), "qaflow.redis.probe-interval=200ms",
                        "qaflow.embedder.cache.corpus-version-republish=1s")
                .initializers(context -> context.getBeanFactory().registerSingleton("forcedSampler", sampler))
                .run();
        assertThat(app.getBean(IndexStatus.class).awaitCaughtUp(WAIT)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (testRedis != null) {
            testRedis.stop();
        }
        if (redisson != null) {
            redisson.shutdown();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @BeforeEach
    void serveHits() {
        sampler.next = 0.99;
    }

    @Test
    void aParaphraseOfAnAnsweredQuestionIsAnsweredByTheEmbedderWithoutAContext() {
        String original = "Who was the Most Valuable Player of Super Bowl 50?";
        CachedAnswer cached = answerAfresh(original, VARIANT, MODEL);
        double hitsBefore = semantic("hit");

        QuestionAsked paraphrase = ask("Who was Super Bowl 50's most valuable player?", VARIANT, "key-7");

        AnswerCompleted answer = awaitAnswer(paraphrase.requestId());
        assertThat(answer.cached()).isTrue();
        assertThat(answer.cacheHit()).isEqualTo(AnswerCompleted.CacheHit.SEMANTIC);
        assertThat(answer.eventId()).isEqualTo(EventIds.terminal(paraphrase.requestId()));
        assertThat(answer.answer()).isEqualTo(cached.answer());
        assertThat(answer.sources()).isEqualTo(cached.sources());
        assertThat(answer.model()).isEqualTo(MODEL);
        assertThat(answer.usage()).as("a hit consumes no tokens").isEqualTo(TokenUsage.NONE);
        assertThat(answer.costUsd()).isZero();
        assertThat(answer.corpusVersion()).isEqualTo(cached.corpusVersion());
        assertThat(answer.apiKeyId()).isEqualTo("key-7");
        assertThat(answer.userId()).isEqualTo(paraphrase.userId());
        assertThat(answer.variant()).isEqualTo(VARIANT);
        assertThat(answer.degraded()).isFalse();
        assertThat(answer.latencyMs().generate()).isZero();
        assertThat(answer.latencyMs().total()).isGreaterThanOrEqualTo(answer.latencyMs().embed());
        // the context and the answer of a batch are acknowledged together, so a context would be there by now
        assertThat(kafka.values(Topics.CONTEXTS)).noneMatch(c -> c.requestId().equals(paraphrase.requestId()));
        assertThat(kafka.values(Topics.PROGRESS)).anyMatch(p -> p.requestId().equals(paraphrase.requestId())
                && p.status() == RequestStatus.RETRIEVING);

        assertThat(semantic("hit")).isEqualTo(hitsBefore + 1);
        var similarity = registry().get("qa.cache.semantic.similarity").summary();
        assertThat(similarity.count()).isPositive();
        assertThat(similarity.max()).isGreaterThanOrEqualTo(0.95);
        assertThat(registry().get("qa.embedder.questions").tag("outcome", "semantic_hit").counter().count())
                .isPositive();
    }

    @Test
    void aSampledHitIsAnsweredAfreshNamingTheQuestionItIsComparedWith() {
        String original = "When did Levi's Stadium open?";
        answerAfresh(original, VARIANT, MODEL);
        sampler.next = 0.0;

        QuestionAsked paraphrase = ask("When was Levi's Stadium opened?", VARIANT, null);

        ContextRetrieved context = awaitContext(paraphrase.requestId());
        assertThat(context.semanticCandidate()).isEqualTo(AnswerCacheKey.normalize(original));
        assertThat(context.chunks()).hasSize(5);
        assertThat(kafka.values(Topics.ANSWERS)).noneMatch(a -> a.requestId().equals(paraphrase.requestId()));
        // answered afresh, so remembered as a candidate itself
        await().atMost(WAIT).until(() -> candidates(context.corpusVersion(), VARIANT, MODEL)
                .containsKey(AnswerCacheKey.normalize(paraphrase.question())));
    }

    @Test
    void anUnrelatedQuestionIsRetrievedAsUsual() {
        answerAfresh("Who won the Super Bowl MVP?", VARIANT, MODEL);
        double missesBefore = semantic("miss");

        QuestionAsked unrelated = ask("What venue did Super Bowl 50 take place in?", VARIANT, null);

        ContextRetrieved context = awaitContext(unrelated.requestId());
        assertThat(context.semanticCandidate()).isNull();
        assertThat(kafka.values(Topics.ANSWERS)).noneMatch(a -> a.requestId().equals(unrelated.requestId()));
        assertThat(semantic("miss")).isGreaterThan(missesBefore);
    }

    @Test
    void anAutoVariantIsLookedUpUnderTheModelTheAnswerWorkersPublished() {
        new PipelineVersions(testRedis, Duration.ofSeconds(1)).publishAutoModel("auto-llm").block();
        await().atMost(WAIT).until(() -> "auto-llm".equals(
                app.getBean(PipelineVersions.class).current().autoModel()));
        Variant auto = Variant.defaults(5);
        CachedAnswer cached = answerAfresh("What year was the Carolina Panthers franchise founded?", auto,
                "auto-llm");

        QuestionAsked paraphrase = ask("When was the Carolina Panthers franchise founded?", auto, null);

        AnswerCompleted answer = awaitAnswer(paraphrase.requestId());
        assertThat(answer.cacheHit()).isEqualTo(AnswerCompleted.CacheHit.SEMANTIC);
        assertThat(answer.variant().model()).isEqualTo(Variant.AUTO_MODEL);
        assertThat(answer.model()).isEqualTo("auto-llm");
        assertThat(answer.answer()).isEqualTo(cached.answer());
    }

    @Test
    void theCorpusVersionOfTheContextsIsPublishedAndFollowsTheCorpus() {
        IndexStatus status = app.getBean(IndexStatus.class);
        await().atMost(WAIT).until(() -> status.corpusVersion().equals(publishedCorpusVersion()));
        assertThat(status.corpusVersion()).startsWith("all-minilm-l6-v2@");
        ContextRetrieved context = awaitContext(ask("Who won Super Bowl 50?", VARIANT, null).requestId());
        assertThat(context.corpusVersion()).isEqualTo(publishedCorpusVersion());

        String before = status.corpusVersion();
        kafka.send(Topics.DOCUMENTS, "doc-late", DocumentSubmitted.of("doc-late", "Lighthouses",
                "The Bell Rock Lighthouse off the coast of Angus is the oldest sea-washed lighthouse.", Map.of(),
                Instant.now()));
        await().atMost(WAIT).until(() -> !status.corpusVersion().equals(before));
        await().atMost(WAIT).until(() -> status.corpusVersion().equals(publishedCorpusVersion()));

        // Redis flushed (or another replica wrote an older value): published again without a corpus change
        redisson.getKeys().delete(RedisKeys.PIPELINE);
        await().atMost(WAIT).until(() -> status.corpusVersion().equals(publishedCorpusVersion()));
    }

    @Test
    void withoutRedisQuestionsAreRetrievedAsUsualAndTheCacheWorksAgainWhenRedisIsBack() {
        double unavailableBefore = semantic("unavailable");
        RedisAvailability appRedis = app.getBean(RedisAvailability.class);
        redisServer.stop();
        try {
            QuestionAsked asked = ask("Who did Denver beat in the 2015 AFC Championship game?", VARIANT, null);

            ContextRetrieved context = awaitContext(asked.requestId());
            assertThat(context.semanticCandidate()).isNull();
            assertThat(context.chunks()).hasSize(5);
            assertThat(appRedis.isAvailable()).isFalse();
            assertThat(semantic("unavailable")).isGreaterThan(unavailableBefore);
            assertThat(registry().get("qa.cache.requests").tag("tier", "embedding").tag("result", "unavailable")
                    .counter().count()).isPositive();
        } finally {
            redisServer.start(); // empty again: a temporary server keeps nothing
        }
        await().atMost(WAIT).until(appRedis::isAvailable);
        await().atMost(WAIT).until(testRedis::isAvailable);

        CachedAnswer cached = answerAfresh("How much did it cost to build Levi's Stadium?", VARIANT, MODEL);
        QuestionAsked paraphrase = ask("What did it cost to build Levi's Stadium?", VARIANT, null);

        AnswerCompleted answer = awaitAnswer(paraphrase.requestId());
        assertThat(answer.cacheHit()).isEqualTo(AnswerCompleted.CacheHit.SEMANTIC);
        assertThat(answer.answer()).isEqualTo(cached.answer());
        IndexStatus status = app.getBean(IndexStatus.class);
        await().atMost(WAIT).until(() -> status.corpusVersion().equals(publishedCorpusVersion()));
    }

    /**
     * Asks {@code question} and waits for its context (which makes it a semantic candidate), then caches an answer
     * for it under that context, as the answer worker would.
     */
    private CachedAnswer answerAfresh(String question, Variant variant, String model) {
        ContextRetrieved context = awaitContext(ask(question, variant, null).requestId());
        assertThat(context.semanticCandidate()).isNull();
        CachedAnswer cached = new CachedAnswer(question, "The answer to: " + question,
                List.of(new SourceChunk("Super_Bowl_50-p0", "Super_Bowl_50-p0#0", "Super Bowl 50", 0.03, "text")),
                model, new TokenUsage(120, 12, false), 0.0012, context.corpusVersion(), variant.promptVersion(),
                Instant.now(), context.requestId());
        AnswerCacheKey key = AnswerCacheKey.of(question, context.corpusVersion(), variant, model);
        answers.put(key, cached).block();
        await().atMost(WAIT).until(() -> candidates(context.corpusVersion(), variant, model)
                .containsKey(key.normalizedQuestion()));
        return cached;
    }

    private static Map<String, byte[]> candidates(String corpusVersion, Variant variant, String model) {
        String digest = AnswerCacheKey.of("x", corpusVersion, variant, model).contextDigest();
        return redisson.<String, byte[]>getMap(RedisKeys.SEMANTIC_PREFIX + digest,
                new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE)).readAllMap();
    }

    private static String publishedCorpusVersion() {
        return redisson.<String, String>getMap(RedisKeys.PIPELINE, StringCodec.INSTANCE)
                .get(RedisKeys.CORPUS_VERSION_FIELD);
    }

    private static QuestionAsked ask(String question, Variant variant, String apiKeyId) {
        Instant now = Instant.now();
        QuestionAsked asked = QuestionAsked.of("req-" + UUID.randomUUID(), question, "user-1", variant, now,
                now.plus(Duration.ofMinutes(2)), apiKeyId);
        kafka.send(Topics.REQUESTS, asked.requestId(), asked);
        return asked;
    }

    private static ContextRetrieved awaitContext(String requestId) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(
                () -> kafka.values(Topics.CONTEXTS).stream().filter(c -> c.requestId().equals(requestId))
                        .findFirst().orElse(null), c -> c != null);
    }

    private static AnswerCompleted awaitAnswer(String requestId) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(
                () -> kafka.values(Topics.ANSWERS).stream().filter(a -> a.requestId().equals(requestId))
                        .findFirst().orElse(null), a -> a != null);
    }

    private static MeterRegistry registry() {
        return app.getBean(MeterRegistry.class);
    }

    private static double semantic(String result) {
        var counter = registry().find("qa.cache.requests").tag("tier", "semantic").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}
