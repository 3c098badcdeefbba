package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.redis.RedisKeys;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;

/**
 * The answer cache in the gateway on a real broker and a real Redis, the test playing the workers: hits are answered
 * without Kafka (no QuestionAsked) yet published as AnswerCompleted cached=true; a new corpus or prompt version misses.
 */
class AnswerCacheIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedRedis redis;
    private static RunningGateway first;
    private static RunningGateway second;
    private static FakeWorkers workers;
    private static TopicReader answers;
    private static Http toFirst;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        redis = EmbeddedRedis.startTemporary();
        Map<String, String> settings = Map.of("qaflow.redis.url", redis.url(),
                "qaflow.redis.probe-interval", "200ms", "qaflow.gateway.warming.interval", "0s");
        first = RunningGateway.startReady(broker.bootstrapServers(), settings);
        second = RunningGateway.startReady(broker.bootstrapServers(), settings);
        workers = new FakeWorkers(broker.bootstrapServers());
        answers = TopicReader.of(broker.bootstrapServers(), Topics.ANSWERS);
        toFirst = new Http(first);
        publishVersions("corpus-1", "model-1");
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(answers, workers, first, second, redis, broker);
    }

    /** What the embedder and the answer workers publish; both replicas must have read it. */
    private static void publishVersions(String corpus, String autoModel) {
        first.bean(RedisAvailability.class).client().getMap(RedisKeys.PIPELINE, StringCodec.INSTANCE)
                .putAll(Map.of(RedisKeys.CORPUS_VERSION_FIELD, corpus, RedisKeys.AUTO_MODEL_FIELD, autoModel))
                .block();
        for (RunningGateway gateway : List.of(first, second)) {
            await().atMost(WAIT).until(() -> corpus.equals(gateway.bean(PipelineVersions.class).current()
                    .corpusVersion()));
        }
    }

    /** Caches an answer the way an answer worker does, through the other replica (so it is in Redis only). */
    private static void cacheAnswer(String question, String corpus, Variant variant, String answer) {
        CachedAnswer cached = new CachedAnswer(question, answer,
                List.of(new SourceChunk("Super_Bowl_50-p0", "Super_Bowl_50-p0#0", "Super Bowl 50", 0.8, "text")),
                "model-1", new TokenUsage(100, 10, false), 0.0004, corpus, variant.promptVersion(), Instant.now(),
                "source-" + UUID.randomUUID());
        second.bean(AnswerCache.class).put(AnswerCacheKey.of(question, corpus, variant, "model-1"), cached).block();
    }

    private static double hits(RunningGateway gateway, String tier) {
        var counter = gateway.meters().find("qa.cache.requests").tag("tier", tier).tag("result", "hit").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aCachedAnswerIsServedWithoutKafkaAndStillReachesTheAggregator() {
        String question = "Who won Super Bowl 50? " + UUID.randomUUID();
        cacheAnswer(question, "corpus-1", Variant.defaults(5), "The Denver Broncos");
        long published = workers.requestsPublished();

        Http.Reply reply = toFirst.postJson("/v1/ask", Http.json(Map.of("question", question.toUpperCase())));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("cached").asBoolean()).isTrue();
        assertThat(body.get("answer").asString()).isEqualTo("The Denver Broncos");
        assertThat(body.get("costUsd").asDouble()).isZero();
        assertThat(hits(first, "redis")).isEqualTo(1);
        String id = body.get("requestId").asString();
        await().atMost(WAIT).until(() -> answers.poll().stream().anyMatch(r -> r.key().equals(id)));
        AnswerCompleted event = answers.poll().stream().filter(r -> r.key().equals(id)).findFirst()
                .map(r -> Topics.ANSWERS.valueSerde().deserialize(r.topic(), r.value())).orElseThrow();
        assertThat(event.cached()).isTrue();
        assertThat(event.cacheHit()).isEqualTo(AnswerCompleted.CacheHit.EXACT);
        assertThat(event.corpusVersion()).isEqualTo("corpus-1");
        assertThat(workers.requestsPublished()).as("no QuestionAsked for a hit").isEqualTo(published);
        assertThat(new Http(second).get("/v1/requests/" + id).json().get("cached").asBoolean()).isTrue();

        Http.Reply again = toFirst.postJson("/v1/requests", Http.json(Map.of("question", question)));
        assertThat(again.json().get("status").asString()).isEqualTo("ANSWERED");
        assertThat(hits(first, "memory")).isEqualTo(1);

    }

    @Test
    void aNewCorpusVersionOrPromptVersionMisses() {
        String question = "Which halftime show headliner? " + UUID.randomUUID();
        cacheAnswer(question, "corpus-1", Variant.defaults(5), "Coldplay");
        assertThat(toFirst.postJson("/v1/ask", Http.json(Map.of("question", question))).json()
                .get("cached").asBoolean()).isTrue();

        String otherPrompt = "Who sang the anthem? " + UUID.randomUUID();
        Variant newPrompt = new Variant(Variant.DEFAULT_EXPERIMENT, Variant.CONTROL, Variant.DEFAULT_PROMPT, "2.0.0",
                Variant.AUTO_MODEL, 5);
        cacheAnswer(otherPrompt, "corpus-1", newPrompt, "Lady Gaga");
        Http.Reply underOldPrompt = toFirst.postJson("/v1/requests", Http.json(Map.of("question", otherPrompt)));
        assertThat(underOldPrompt.json().get("status").asString()).as("cached under prompt 2.0.0 only")
                .isEqualTo("QUEUED");

        publishVersions("corpus-2", "model-1");
        Http.Reply afterReingest = toFirst.postJson("/v1/requests", Http.json(Map.of("question", question)));
        assertThat(afterReingest.json().get("status").asString()).isEqualTo("QUEUED");
        workers.awaitQuestion(question);
        publishVersions("corpus-1", "model-1");
    }

    @Test
    void statsShowHitsAndTopQuestionsAndWarmingSubmitsWhatIsNotCached() {
        String popular = "What colour did the Broncos wear " + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            toFirst.postJson("/v1/requests", Http.json(Map.of("question", popular + "?")));
        }
        JsonNode stats = toFirst.get("/v1/cache/stats").json();
        assertThat(stats.get("redis").asString()).isEqualTo("REDIS");
        assertThat(stats.get("topQuestions").get(0).get("question").asString())
                .isEqualTo(AnswerCacheKey.normalize(popular));
        assertThat(stats.get("topQuestions").get(0).get("count").asLong()).isEqualTo(5);
        assertThat(stats.get("lookups").get("memory").get("results").get("miss").asLong()).isPositive();

        long published = workers.requestsPublished();
        JsonNode round = toFirst.postJson("/v1/cache/warm", "{}").json();
        assertThat(round.get("submittedQuestions").valueStream().map(JsonNode::asString))
                .contains(AnswerCacheKey.normalize(popular));
        await().atMost(WAIT).until(() -> workers.requestsPublished() > published);
        assertThat(new Http(second).get("/v1/cache/stats").json().get("lastWarming").get("submitted").asInt())
                .isEqualTo(round.get("submitted").asInt());
    }
}
