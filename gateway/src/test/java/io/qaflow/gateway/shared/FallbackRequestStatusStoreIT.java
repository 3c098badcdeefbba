package io.qaflow.gateway.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.gateway.requests.Failure;
import io.qaflow.gateway.requests.InMemoryRequestStatusStore;
import io.qaflow.gateway.requests.RequestStatusStore;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.testkit.EmbeddedRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Two replicas' status stores over one real Redis that goes away for longer than a request's deadline: what a
 * replica reached in memory meanwhile is never overwritten by the stale Redis copy, and other replicas leave its
 * overdue requests to it for the orphan delay.
 */
class FallbackRequestStatusStoreIT {
    private static final Instant ACCEPTED = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration ORPHAN_DELAY = Duration.ofSeconds(30);

    private EmbeddedRedis redis;
    private RedissonClient redisson;
    private RedisAvailability availability;
    private final Clock clock = Clock.fixed(ACCEPTED.plusSeconds(1), ZoneOffset.UTC);

    @BeforeEach
    void start() {
        redis = EmbeddedRedis.startTemporary();
        Config config = new Config();
        config.setLazyInitialization(true);
        // timeouts generous enough for a slow machine's first connection: how fast an outage is noticed does not
        // matter here, every test waits for the state it needs
        config.useSingleServer().setAddress(redis.url()).setTimeout(1_000).setConnectTimeout(2_000)
                .setRetryAttempts(1).setRetryInterval(50);
        redisson = Redisson.create(config);
        availability = new RedisAvailability(redisson.reactive(), Duration.ofMillis(1_000), Duration.ofMillis(100),
                new SimpleMeterRegistry());
        availability.start();
        awaitRedisAnswering();
    }

    /** Until a command has gone through: the first connection of a fresh client may fail and degrade it once. */
    private void awaitRedisAnswering() {
        await().atMost(Duration.ofSeconds(30)).until(() -> availability.isAvailable()
                && availability.call("ping", () -> redisson.reactive().getBucket("qa:test-ping").isExists())
                        .onErrorReturn(true).block() == Boolean.FALSE
                && availability.isAvailable());
    }

    @AfterEach
    void stop() {
        availability.stop();
        redisson.shutdown();
        redis.close();
    }

    private FallbackRequestStatusStore replica() {
        return new FallbackRequestStatusStore(new RedisRequestStatusStore(availability, Duration.ofHours(24), clock),
                new InMemoryRequestStatusStore(Duration.ofMinutes(15), 1_000, clock), availability, ORPHAN_DELAY);
    }

    private static TrackedRequest queued(String id) {
        return TrackedRequest.queued(id, "Who won?", null, Variant.defaults(5), ACCEPTED, ACCEPTED.plusSeconds(30),
                null);
    }

    private static UnaryOperator<TrackedRequest> answer(Instant at) {
        AnswerCompleted answer = new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal("r1"), at, "r1",
                null, Variant.defaults(5), "Denver", List.of(), "m", false, TokenUsage.NONE, 0.0, StageLatency.NONE,
                null, null, null);
        return r -> r.isTerminal() ? r : r.answered(answer, at);
    }

    private static UnaryOperator<TrackedRequest> expire(Instant at) {
        return r -> r.isTerminal() ? r : r.failed(new Failure(FailureStage.GATEWAY, FailureCode.EXPIRED, "late",
                false), at);
    }

    @Test
    void anAnswerReachedWhileRedisWasAwayIsNotExpiredFromTheStaleCopyAfterwards() {
        FallbackRequestStatusStore a = replica();
        FallbackRequestStatusStore b = replica();
        a.insert(queued("r1")).block();

        redis.stop();
        await().until(() -> !availability.isAvailable());
        RequestStatusStore.Update answered = a.update("r1", answer(ACCEPTED.plusSeconds(2))).block();
        assertThat(answered.changed()).isTrue();
        assertThat(b.find("r1").block()).as("other replicas cannot know it now").isNull();

        redis.start();
        awaitRedisAnswering();
        // Redis still says QUEUED, past the deadline: A's own sweep must keep the answer, not expire it
        RequestStatusStore.Update sweep = a.update("r1", expire(ACCEPTED.plusSeconds(40))).block();
        assertThat(sweep.changed()).isFalse();
        assertThat(sweep.after().status()).isEqualTo(RequestStatus.ANSWERED);
        // written back to Redis on recovery
        await().until(() -> b.find("r1").block().status() == RequestStatus.ANSWERED);
    }

    @Test
    void theFirstTerminalStateWinsWhenBothCopiesFinishedDifferently() {
        FallbackRequestStatusStore a = replica();
        FallbackRequestStatusStore b = replica();
        a.insert(queued("r1")).block();
        redis.stop();
        await().until(() -> !availability.isAvailable());
        a.update("r1", answer(ACCEPTED.plusSeconds(2))).block();
        redis.start();
        awaitRedisAnswering();
        // a replica that never saw the answer expired the Redis copy before A wrote back
        b.update("r1", expire(ACCEPTED.plusSeconds(90))).block();

        a.restoreToRedis().block();
        assertThat(b.find("r1").block().status()).isEqualTo(RequestStatus.ANSWERED);
        assertThat(a.find("r1").block().status()).isEqualTo(RequestStatus.ANSWERED);
    }

    @Test
    void otherReplicasExpireARequestOnlyAfterTheOrphanDelay() {
        FallbackRequestStatusStore a = replica();
        FallbackRequestStatusStore b = replica();
        a.insert(queued("r1")).block();
        Instant overdue = ACCEPTED.plusSeconds(31);
        // in Redis for every replica: at once, or written back by A once a hiccup of the fresh client has passed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(b.unfinishedWithDeadlineBefore(
                overdue.plus(ORPHAN_DELAY)).map(TrackedRequest::requestId).collectList().block())
                .containsExactly("r1"));

        assertThat(a.unfinishedWithDeadlineBefore(overdue).map(TrackedRequest::requestId).collectList().block())
                .containsExactly("r1");
        assertThat(b.unfinishedWithDeadlineBefore(overdue).collectList().block()).isEmpty();
        assertThat(b.unfinishedWithDeadlineBefore(overdue.plus(ORPHAN_DELAY)).map(TrackedRequest::requestId)
                .collectList().block()).containsExactly("r1");
    }
}
