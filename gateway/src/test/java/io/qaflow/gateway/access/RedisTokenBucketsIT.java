package io.qaflow.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The Lua script on a real Redis: the same integers as {@link TokenBucket}, and Redis's clock and TTL in use. */
class RedisTokenBucketsIT {
    private static EmbeddedRedis redis;
    private static RedissonClient redisson;
    private static RedisAvailability availability;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.startTemporary();
        Config config = new Config();
        config.useSingleServer().setAddress(redis.url());
        redisson = Redisson.create(config);
        availability = new RedisAvailability(redisson.reactive(), Duration.ofSeconds(2), Duration.ofSeconds(1),
                new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        if (redisson != null) {
            redisson.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theScriptComputesExactlyWhatTheJavaBucketComputes() {
        Random random = new Random(20260101);
        List<TokenBucket.Limit> limits = List.of(new TokenBucket.Limit(40, 40), new TokenBucket.Limit(7, 3),
                new TokenBucket.Limit(TokenBucket.MAX_RATE, TokenBucket.MAX_RATE), new TokenBucket.Limit(1, 1),
                new TokenBucket.Limit(600, 50), new TokenBucket.Limit(59_999, 17));
        long[] steps = {0, 0, 0, 1, 7, 333, 1_499, 1_500, 60_000, 600_000, -5_000};
        String prefix = "it-" + UUID.randomUUID() + "-";
        Map<String, TokenBucket.State> javaStates = new HashMap<>();
        long now = 1_767_225_600_000L;
        List<String> mismatches = new ArrayList<>();
        int allowed = 0;
        for (int i = 0; i < 3_000; i++) {
            int bucketNumber = random.nextInt(4);
            String bucket = prefix + bucketNumber;
            // mostly a bucket's own limit; sometimes another one, as after a configuration change (chosen from the
            // seeded sequence only, so every run replays the same steps whatever the random prefix)
            TokenBucket.Limit limit = random.nextInt(10) == 0
                    ? limits.get(random.nextInt(limits.size()))
                    : limits.get(bucketNumber);
            now += steps[random.nextInt(steps.length)];

            TokenBucket.Step java = TokenBucket.take(javaStates.get(bucket), now, limit);
            javaStates.put(bucket, java.state());
            // a long TTL: the test's clock runs far ahead of Redis's, which must not expire the state meanwhile
            List<Object> reply = RedisTokenBuckets.eval(availability, RedisTokenBuckets.SCRIPT_AT_GIVEN_TIME,
                    bucket, limit, 3_600_000, Long.toString(now)).block();
            Decision lua = RedisTokenBuckets.decision(reply, limit);

            Decision expected = new Decision(java.decision().allowed(), java.decision().limit(),
                    java.decision().remaining(), java.decision().millisUntilNextToken(),
                    java.decision().millisUntilFull(), true);
            if (!lua.equals(expected) || !RedisTokenBuckets.state(reply).equals(java.state())) {
                mismatches.add("step " + i + ": java " + java + " lua " + lua + " " + RedisTokenBuckets.state(reply));
            }
            allowed += lua.allowed() ? 1 : 0;
        }
        assertThat(mismatches).isEmpty();
        // the sequence exercised both outcomes
        assertThat(allowed).isBetween(300, 2_700);
    }

    @Test
    void theSharedBucketRunsOnRedisTimeAndItsStateExpiresOnceFull() {
        RedisTokenBuckets buckets = new RedisTokenBuckets(availability);
        String id = "it-" + UUID.randomUUID();
        TokenBucket.Limit limit = new TokenBucket.Limit(40, 40);

        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            decisions.add(buckets.take(id, limit).block());
        }

        assertThat(decisions.subList(0, 40)).allMatch(Decision::allowed).allMatch(Decision::shared);
        assertThat(decisions.get(0).remaining()).isEqualTo(39);
        Decision refused = decisions.get(40);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        // a token every 1.5 s; the 41 calls took a little of that already
        assertThat(refused.millisUntilNextToken()).isBetween(1L, 1_500L);
        assertThat(refused.millisUntilFull()).isBetween(58_500L, 60_000L);
        long ttl = redisson.getKeys().remainTimeToLive(RedisTokenBuckets.key(id));
        assertThat(ttl).isBetween(refused.millisUntilFull(), refused.millisUntilFull() + 1_000);
    }
}
