package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * Redis goes away while two replicas serve synchronous and asynchronous requests: no request is lost, answers keep
 * coming, readiness says DEGRADED (still 200), and once Redis is back the replicas share status and cache again
 * without a restart — including the requests accepted during the outage.
 */
class RedisOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedRedis redis;
    private static RunningGateway first;
    private static RunningGateway second;
    private static AutoAnswer workers;

    /** One request made by the load: where it went, how, and what came back. */
    private record Sent(Http replica, Http other, boolean sync, int status, String requestId, String statusInReply,
                        boolean duringOutage) {}

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        redis = EmbeddedRedis.startTemporary();
        Map<String, String> settings = Map.of("qaflow.redis.url", redis.url(),
                "qaflow.redis.probe-interval", "200ms", "qaflow.gateway.request-ttl", "30s",
                "qaflow.gateway.warming.interval", "0s");
        first = RunningGateway.startReady(broker.bootstrapServers(), settings);
        second = RunningGateway.startReady(broker.bootstrapServers(), settings);
        workers = new AutoAnswer(broker.bootstrapServers(), Duration.ofMillis(100));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(workers, first, second, redis, broker);
    }

    @Test
    void nothingIsLostWhileRedisIsAwayAndSharingResumesWhenItIsBack() throws Exception {
        Http a = new Http(first);
        Http b = new Http(second);
        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean outage = new AtomicBoolean(false);
        AtomicInteger counter = new AtomicInteger();
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            load.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    int n = counter.incrementAndGet();
                    Http replica = n % 2 == 0 ? a : b;
                    Http other = replica == a ? b : a;
                    boolean sync = n % 3 != 0;
                    boolean duringOutage = outage.get();
                    String body = Http.json(Map.of("question", "Question " + n + " " + UUID.randomUUID() + "?",
                            "timeoutMs", 10_000));
                    Http.Reply reply = replica.postJson(sync ? "/v1/ask" : "/v1/requests", body);
                    String id = reply.status() < 300 ? reply.json().get("requestId").asString() : null;
                    String status = reply.status() < 300 ? reply.json().get("status").asString() : reply.body();
                    sent.add(new Sent(replica, other, sync, reply.status(), id, status, duringOutage));
                }
            }));
        }

        await().atMost(WAIT).until(() -> sent.size() >= 20);
        redis.stop();
        outage.set(true);
        for (RunningGateway gateway : List.of(first, second)) {
            Http http = new Http(gateway);
            await().atMost(WAIT).until(() -> "DEGRADED".equals(readiness(http)));
            assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
        }
        int beforeOutageAnswers = answeredSync(sent, true);
        await().atMost(WAIT).until(() -> answeredSync(sent, true) >= beforeOutageAnswers + 20);

        redis.start();
        for (RunningGateway gateway : List.of(first, second)) {
            Http http = new Http(gateway);
            await().atMost(WAIT).until(() -> "UP".equals(readiness(http)));
        }
        outage.set(false);
        int afterRecovery = sent.size();
        await().atMost(WAIT).until(() -> sent.size() >= afterRecovery + 20);
        running.set(false);
        for (Thread thread : load) {
            thread.join(20_000);
        }

        assertThat(sent).allSatisfy(s -> assertThat(s.status()).as(s.statusInReply()).isIn(200, 202));
        assertThat(sent.stream().filter(Sent::duringOutage).count()).isGreaterThan(20);
        // every accepted request ends ANSWERED, readable where it was accepted and, Redis being back, on the other
        // replica too (what was accepted during the outage was written back to Redis)
        for (Sent s : sent) {
            await().atMost(WAIT).until(() -> "ANSWERED".equals(statusOf(s.replica(), s.requestId())));
            await().atMost(WAIT).until(() -> "ANSWERED".equals(statusOf(s.other(), s.requestId())));
        }
        assertThat(first.meters().counter("qa.redis.degradations").count()).isGreaterThanOrEqualTo(1);
        assertThat(first.meters().counter("qa.redis.recoveries").count()).isGreaterThanOrEqualTo(1);

        assertCachingResumed();
    }

    private void assertCachingResumed() {
        first.bean(RedisAvailability.class).client().getMap(RedisKeys.PIPELINE, StringCodec.INSTANCE)
                .putAll(Map.of(RedisKeys.CORPUS_VERSION_FIELD, "c1", RedisKeys.AUTO_MODEL_FIELD, "m1")).block();
        await().atMost(WAIT).until(() -> "c1".equals(first.bean(PipelineVersions.class).current().corpusVersion()));
        String question = "Cached after the outage " + UUID.randomUUID() + "?";
        second.bean(AnswerCache.class).put(AnswerCacheKey.of(question, "c1", Variant.defaults(5), "m1"),
                new CachedAnswer(question, "still cached", List.<SourceChunk>of(), "m1", TokenUsage.NONE, 0.001,
                        "c1", "1.0.0", Instant.now(), "r0")).block();
        Http.Reply reply = new Http(first).postJson("/v1/ask", Http.json(Map.of("question", question)));
        assertThat(reply.json().get("cached").asBoolean()).as(reply.body()).isTrue();
        assertThat(reply.json().get("answer").asString()).isEqualTo("still cached");
    }

    private static String readiness(Http http) {
        return http.get("/actuator/health/readiness").json().get("status").asString();
    }

    private static int answeredSync(List<Sent> sent, boolean duringOutage) {
        return (int) sent.stream().filter(s -> s.sync() && s.status() == 200 && s.duringOutage() == duringOutage)
                .count();
    }

    private static String statusOf(Http http, String requestId) {
        Http.Reply reply = http.get("/v1/requests/" + requestId);
        return reply.status() == 200 ? reply.json().get("status").asString() : "HTTP " + reply.status();
    }
}
