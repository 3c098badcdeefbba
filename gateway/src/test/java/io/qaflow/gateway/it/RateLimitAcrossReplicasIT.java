package io.qaflow.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.qaflow.gateway.access.ApiKeyHash;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway replicas on one broker and one real Redis, with API keys configured: a key limited to N requests a
 * minute gets N in total across both replicas (not N per replica), the rest 429 with Retry-After and RateLimit-*;
 * 401/403 for missing, wrong and under-scoped keys; without Redis each replica limits on its own, and the shared
 * bucket is used again once Redis is back, without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitAcrossReplicasIT {
    private static final int N = 40;
    private static final String LOAD_SECRET = ApiKeyHash.newSecret();
    private static final String DEGRADE_SECRET = ApiKeyHash.newSecret();
    private static final String WRITER_SECRET = ApiKeyHash.newSecret();
    private static final String READER_SECRET = ApiKeyHash.newSecret();

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedRedis redis;
    private static RunningGateway a;
    private static RunningGateway b;
    private static List<Http> replicas;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        redis = EmbeddedRedis.startTemporary();
        Map<String, String> properties = new HashMap<>(Map.of(
                "qaflow.redis.url", redis.url(),
                "qaflow.redis.probe-interval", "200ms"));
        key(properties, 0, "load", LOAD_SECRET, N, "ask");
        key(properties, 1, "degrade", DEGRADE_SECRET, N, "ask");
        key(properties, 2, "writer", WRITER_SECRET, 600, "ask,documents");
        key(properties, 3, "reader", READER_SECRET, 600, "ask");
        a = RunningGateway.startReady(broker.bootstrapServers(), properties);
        b = RunningGateway.startReady(broker.bootstrapServers(), properties);
        replicas = List.of(new Http(a), new Http(b));
    }

    private static void key(Map<String, String> properties, int index, String id, String secret, int perMinute,
                            String scopes) {
        String prefix = "qaflow.gateway.access.keys[" + index + "].";
        properties.put(prefix + "id", id);
        properties.put(prefix + "sha256", ApiKeyHash.sha256Hex(secret));
        properties.put(prefix + "requests-per-minute", Integer.toString(perMinute));
        properties.put(prefix + "burst", Integer.toString(perMinute));
        properties.put(prefix + "scopes", scopes);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(b, a, redis, broker);
    }

    private record Answer(int replica, Http.Reply reply) {}

    /** {@code count} submissions at once, alternating between {@code targets}. */
    private static List<Answer> submitAtOnce(List<Integer> targets, int count, String secret) {
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int replica = targets.get(i % targets.size());
            answers.add(replicas.get(replica).postJsonAsync("/v1/requests",
                            "{\"question\":\"How many calls may I make? " + UUID.randomUUID() + "\"}",
                            "Authorization", "Bearer " + secret)
                    .thenApply(reply -> new Answer(replica, reply)));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    private static long accepted(List<Answer> answers, int replica) {
        return answers.stream().filter(x -> x.replica() == replica && x.reply().status() == 202).count();
    }

    private static double fallbacks(RunningGateway gateway) {
        return gateway.meters().find("qa.ratelimit.fallback").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double rejections(RunningGateway gateway, String key) {
        return gateway.meters().counter("qa.ratelimit.rejections", "key", key).count();
    }

    private static void assertRateLimitHeaders(Http.Reply reply) {
        assertThat(reply.header("RateLimit-Limit")).isEqualTo(Integer.toString(N));
        assertThat(Long.parseLong(reply.header("RateLimit-Remaining"))).isBetween(0L, N - 1L);
        assertThat(Long.parseLong(reply.header("RateLimit-Reset"))).isBetween(1L, 60L);
        assertThat(reply.header("X-Request-Id")).isNotBlank();
    }

    private static void assertRejected(Http.Reply reply) {
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(reply.header("Retry-After"))).isBetween(1L, 2L);
        assertRateLimitHeaders(reply);
        assertThat(reply.header("RateLimit-Remaining")).isEqualTo("0");
        JsonNode problem = reply.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:qaflow:problem:rate-limited");
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("instance").asString()).isEqualTo("/v1/requests");
        assertThat(problem.path("errors").path(0).path("field").asString()).isEqualTo("Authorization");
    }

    @Test
    @Order(1)
    void missingWrongAndUnderScopedKeysAreRefusedAndPublicPathsStayOpen() {
        Http http = replicas.get(0);
        Http.Reply missing = http.postJson("/v1/requests", "{\"question\":\"Who are you?\"}",
                "X-Request-Id", "no-key-1");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"qaflow\"");
        assertThat(missing.header("X-Request-Id")).isEqualTo("no-key-1");
        assertThat(missing.json().path("type").asString()).isEqualTo("urn:qaflow:problem:unauthorized");
        assertThat(missing.json().path("errors").path(0).path("field").asString()).isEqualTo("Authorization");

        Http.Reply wrong = replicas.get(1).postJson("/v1/ask", "{\"question\":\"Who are you?\"}",
                "Authorization", "Bearer " + ApiKeyHash.newSecret());
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.contentType()).startsWith("application/problem+json");
        assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"qaflow\", error=\"invalid_token\"");
        assertThat(wrong.json().path("errors").path(0).path("field").asString()).isEqualTo("Authorization");
        assertThat(wrong.body()).doesNotContain(LOAD_SECRET);

        String document = "{\"id\":\"rate-limit-doc\",\"text\":\"Tokens refill at a fixed rate.\"}";
        Http.Reply underScoped = http.postJson("/v1/documents", document, "Authorization", "Bearer " + LOAD_SECRET);
        assertThat(underScoped.status()).isEqualTo(403);
        assertThat(underScoped.contentType()).startsWith("application/problem+json");
        assertThat(underScoped.header("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"qaflow\", error=\"insufficient_scope\", scope=\"documents\"");
        assertThat(underScoped.json().path("type").asString()).isEqualTo("urn:qaflow:problem:forbidden");
        assertThat(underScoped.json().path("detail").asString()).contains("'load'", "'documents'");

        Http.Reply written = http.postJson("/v1/documents", document, "Authorization", "Bearer " + WRITER_SECRET);
        assertThat(written.status()).isEqualTo(202);
        assertThat(written.header("RateLimit-Limit")).isEqualTo("600");
        assertThat(written.header("RateLimit-Remaining")).isEqualTo("599");

        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(http.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(http.get("/v1/requests/" + UUID.randomUUID()).status()).isEqualTo(401);
    }

    @Test
    @Order(1)
    void theKeyIdNeverTheSecretTravelsWithTheRequestAndOnlyThatKeyReadsIt() {
        Http http = replicas.get(0);
        String question = "Whose key asked this? " + UUID.randomUUID();
        Http.Reply accepted = http.postJson("/v1/requests", Http.json(Map.of("question", question)),
                "Authorization", "Bearer " + WRITER_SECRET);
        assertThat(accepted.status()).isEqualTo(202);

        try (FakeWorkers workers = new FakeWorkers(broker.bootstrapServers())) {
            var asked = workers.awaitQuestion(question);
            assertThat(asked.apiKeyId()).isEqualTo("writer");
            assertThat(Http.json(asked)).doesNotContain(WRITER_SECRET);
        }

        // the request belongs to its key: another key gets the 404 of an unknown id, on either replica
        String status = "/v1/requests/" + accepted.json().path("requestId").asString();
        for (Http replica : replicas) {
            assertThat(replica.send(replica.request(status).header("Authorization", "Bearer " + WRITER_SECRET)
                    .GET().build()).status()).isEqualTo(200);
            Http.Reply foreign = replica.send(replica.request(status)
                    .header("Authorization", "Bearer " + READER_SECRET).GET().build());
            assertThat(foreign.status()).isEqualTo(404);
            assertThat(foreign.json().path("type").asString()).isEqualTo("urn:qaflow:problem:unknown-request");
            Http.Reply foreignEvents = replica.send(replica.request(status + "/events")
                    .header("Authorization", "Bearer " + READER_SECRET).GET().build());
            assertThat(foreignEvents.status()).isEqualTo(404);
            assertThat(foreignEvents.json().path("type").asString()).isEqualTo("urn:qaflow:problem:unknown-request");
            Http.Reply foreignFeedback = replica.postJson(status + "/feedback", "{\"rating\":\"up\"}",
                    "Authorization", "Bearer " + READER_SECRET);
            assertThat(foreignFeedback.status()).isEqualTo(404);
            assertThat(foreignFeedback.json().path("type").asString()).isEqualTo("urn:qaflow:problem:unknown-request");
            // the owner's feedback reaches the request: 409 while it is not answered (no workers run here)
            assertThat(replica.postJson(status + "/feedback", "{\"rating\":\"up\"}",
                    "Authorization", "Bearer " + WRITER_SECRET).status()).isEqualTo(409);
        }
    }

    @Test
    @Order(2)
    void aKeyGetsItsLimitOnceAcrossBothReplicasNotOncePerReplica() {
        double fallbacksBefore = fallbacks(a) + fallbacks(b);
        long start = System.nanoTime();

        List<Answer> answers = submitAtOnce(List.of(0, 1), 3 * N, LOAD_SECRET);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        long accepted = accepted(answers, 0) + accepted(answers, 1);
        System.out.printf("%d submissions alternating between 2 replicas in %d ms: %d accepted (%d + %d), "
                + "limit %d a minute%n", answers.size(), took.toMillis(), accepted, accepted(answers, 0),
                accepted(answers, 1), N);
        // N ±5%; 40 a minute refills one token per 1.5 s while the burst runs
        assertThat(accepted).isBetween(Math.round(N * 0.95), Math.round(N * 1.05));
        assertThat(accepted(answers, 0)).isPositive();
        assertThat(accepted(answers, 1)).isPositive();
        for (Answer answer : answers) {
            if (answer.reply().status() == 202) {
                assertRateLimitHeaders(answer.reply());
            } else {
                assertRejected(answer.reply());
            }
        }
        assertThat(rejections(a, "load") + rejections(b, "load")).isEqualTo(3 * N - accepted);
        assertThat(fallbacks(a) + fallbacks(b)).as("Redis decided every call").isEqualTo(fallbacksBefore);
        assertThat(answers.stream().filter(x -> x.reply().status() == 429)
                .map(x -> x.reply().json().path("detail").asString()))
                .allSatisfy(detail -> assertThat(detail).doesNotContain("on this gateway replica"));
    }

    @Test
    @Order(3)
    void withoutRedisEachReplicaLimitsOnItsOwnAndTheSharedBucketReturnsWithRedis() {
        double fallbacksOfA = fallbacks(a);
        double fallbacksOfB = fallbacks(b);
        redis.stop();
        try {
            List<Answer> onA = submitAtOnce(List.of(0), N + 10, DEGRADE_SECRET);
            List<Answer> onB = submitAtOnce(List.of(1), N + 10, DEGRADE_SECRET);

            System.out.printf("without Redis: replica a accepted %d, replica b %d of %d each (limit %d a minute)%n",
                    accepted(onA, 0), accepted(onB, 1), N + 10, N);
            // each replica admits up to its own bucket: together more than the shared limit would
            assertThat(accepted(onA, 0)).isPositive().isLessThanOrEqualTo(N + 1);
            assertThat(accepted(onB, 1)).isPositive().isLessThanOrEqualTo(N + 1);
            assertThat(accepted(onA, 0) + accepted(onB, 1)).isGreaterThan(Math.round(N * 1.05));
            assertThat(fallbacks(a)).isGreaterThan(fallbacksOfA);
            assertThat(fallbacks(b)).isGreaterThan(fallbacksOfB);
            for (Answer answer : concat(onA, onB)) {
                assertThat(answer.reply().status()).isIn(202, 429);
                if (answer.reply().status() == 429) {
                    assertRejected(answer.reply());
                    assertThat(answer.reply().json().path("detail").asString()).contains("on this gateway replica");
                }
            }
            assertThat(a.bean(RedisAvailability.class).isAvailable()).isFalse();
        } finally {
            redis.start();
        }

        // both replicas' own buckets are empty now: a call admitted on one and then the other, with the second
        // seeing fewer tokens left, can only come from the bucket they share again
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<Answer> pair = new ArrayList<>();
            pair.addAll(submitAtOnce(List.of(0), 1, DEGRADE_SECRET));
            pair.addAll(submitAtOnce(List.of(1), 1, DEGRADE_SECRET));
            return pair.stream().allMatch(x -> x.reply().status() == 202)
                    && Long.parseLong(pair.get(1).reply().header("RateLimit-Remaining"))
                    < Long.parseLong(pair.get(0).reply().header("RateLimit-Remaining"));
        });
        double fallbacksAfterRecovery = fallbacks(a) + fallbacks(b);
        List<Answer> shared = submitAtOnce(List.of(0, 1), 4, DEGRADE_SECRET);
        assertThat(shared).allSatisfy(x -> assertThat(x.reply().status()).isEqualTo(202));
        assertThat(fallbacks(a) + fallbacks(b)).isEqualTo(fallbacksAfterRecovery);
        Long ttl = a.bean(RedisAvailability.class).client().getKeys()
                .remainTimeToLive(RedisKeys.RATE_LIMIT_PREFIX + "degrade").block();
        assertThat(ttl).isBetween(1L, 61_000L);
    }

    private static List<Answer> concat(List<Answer> first, List<Answer> second) {
        List<Answer> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
