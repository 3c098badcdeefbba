package io.qaflow.embedder.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.redis.RedisKeys;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Two replicas' candidate mirrors (each with its own Redisson client) over one real Redis. */
class SemanticCandidatesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] VECTOR = VectorBytes.encode(new float[] {0.6f, 0.8f});

    private EmbeddedRedis server;
    private final List<RedissonClient> clients = new ArrayList<>();
    private final List<RedisAvailability> availabilities = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        server = EmbeddedRedis.startTemporary();
    }

    @AfterEach
    void stopAll() {
        availabilities.forEach(RedisAvailability::stop);
        clients.forEach(RedissonClient::shutdown);
        server.close();
    }

    private RedisAvailability availability() {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(server.url()).setConnectTimeout(500).setTimeout(500)
                .setRetryAttempts(1).setRetryInterval(100);
        RedissonClient client = Redisson.create(config);
        clients.add(client);
        var availability = new RedisAvailability(client.reactive(), Duration.ofMillis(500), Duration.ofMillis(200),
                new SimpleMeterRegistry());
        availability.start();
        availabilities.add(availability);
        return availability;
    }

    private SemanticCandidates replica(int maxCandidates) {
        RedisAvailability availability = availability();
        var candidates = new SemanticCandidates(availability, clients.getLast(), maxCandidates, Duration.ofHours(1), 4);
        availability.onRecovery(candidates::reopenAll);
        return candidates;
    }

    @Test
    void aCandidateAddedAtOneReplicaReachesTheOtherReplicasMirrorWithoutAReload() {
        SemanticCandidates first = replica(100);
        SemanticCandidates second = replica(100);
        assertThat(second.candidates("ctx")).isEmpty();

        first.add("ctx", "who won super bowl 50", VECTOR);

        assertThat(first.candidates("ctx")).containsKey("who won super bowl 50");
        await().atMost(WAIT).untilAsserted(() -> assertThat(second.candidates("ctx"))
                .containsKey("who won super bowl 50"));
        assertThat(second.candidates("ctx").get("who won super bowl 50")).isEqualTo(VECTOR);
        RedissonClient redis = clients.getFirst();
        assertThat(redis.getMap(RedisKeys.SEMANTIC_PREFIX + "ctx").remainTimeToLive()).isPositive()
                .isLessThanOrEqualTo(Duration.ofHours(1).toMillis());

        SemanticCandidates third = replica(100);
        assertThat(third.candidates("ctx")).containsOnlyKeys("who won super bowl 50");
        assertThat(third.candidates("other")).isEmpty();
    }

    @Test
    void aContextKeepsAtMostMaxCandidates() {
        SemanticCandidates replica = replica(3);
        for (int i = 0; i < 5; i++) {
            replica.add("ctx", "question " + i, VECTOR);
        }

        await().atMost(WAIT).until(() -> clients.getFirst().getMap(RedisKeys.SEMANTIC_PREFIX + "ctx").size() == 3);
        assertThat(replica.candidates("ctx")).hasSize(3);
    }

    @Test
    void withoutRedisTheMirrorStillServesAndAfterwardsItIsReloaded() {
        SemanticCandidates replica = replica(100);
        replica.add("ctx", "kept in memory", VECTOR);
        await().atMost(WAIT).until(() -> clients.getFirst().getMap(RedisKeys.SEMANTIC_PREFIX + "ctx").size() == 1);
        RedisAvailability availability = availabilities.getFirst();

        server.stop();
        await().atMost(WAIT).until(() -> !availability.isAvailable());
        assertThat(replica.candidates("ctx")).containsOnlyKeys("kept in memory");
        assertThat(replica.candidates("never opened")).isNull();
        replica.add("ctx", "not added", VECTOR);
        assertThat(replica.candidates("ctx")).containsOnlyKeys("kept in memory");

        server.start(); // empty: a temporary server keeps nothing
        await().atMost(WAIT).until(availability::isAvailable);
        // the mirrors were dropped on recovery: what is read now is what Redis holds
        await().atMost(WAIT).untilAsserted(() -> assertThat(replica.candidates("ctx")).isEmpty());
        replica.add("ctx", "added again", VECTOR);
        await().atMost(WAIT).until(() -> clients.getFirst().getMap(RedisKeys.SEMANTIC_PREFIX + "ctx").size() == 1);
    }
}
