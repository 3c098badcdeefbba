package io.qaflow.gateway.requests;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class RequestTrackerTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StatusUpdates updates = new StatusUpdates();
    private final InMemoryRequestStatusStore store = new InMemoryRequestStatusStore(Duration.ofMinutes(15), 100,
            clock);
    private final RequestTracker tracker = new RequestTracker(store, updates, new GatewayMetrics(meters), clock,
            Duration.ofSeconds(2));

    @BeforeEach
    void acceptOne() {
        tracker.accepted(TrackedRequest.queued("r1", "Who won?", "u1", Variant.defaults(5), START,
                START.plusSeconds(30), null)).block();
    }

    private TrackedRequest r1() {
        return tracker.find("r1").block();
    }

    @Test
    void progressOnlyMovesForward() {
        tracker.onProgress(RequestProgressed.of("r1", RequestStatus.GENERATING, clock.instant())).block();
        tracker.onProgress(RequestProgressed.of("r1", RequestStatus.RETRIEVING, clock.instant())).block();
        tracker.onProgress(RequestProgressed.of("r1", RequestStatus.GENERATING, clock.instant())).block();

        assertThat(r1().status()).isEqualTo(RequestStatus.GENERATING);
        assertThat(r1().version()).isEqualTo(2);
    }

    @Test
    void theFirstTerminalEventWinsAndLaterOnesAreCountedAsDuplicates() {
        clock.advance(Duration.ofMillis(750));
        tracker.onAnswer(answer("r1", "first")).block();
        tracker.onAnswer(answer("r1", "second")).block();
        tracker.onFailure(failure("r1", FailureCode.LLM_FAILED)).block();
        tracker.onProgress(RequestProgressed.of("r1", RequestStatus.GENERATING, clock.instant())).block();

        assertThat(r1().status()).isEqualTo(RequestStatus.ANSWERED);
        assertThat(r1().answer().answer()).isEqualTo("first");
        assertThat(meters.counter("qa.duplicates", "kind", "terminal").count()).isEqualTo(2);
        assertThat(meters.timer("qa.latency", "stage", "total", "outcome", "answered").count()).isEqualTo(1);
        assertThat(meters.timer("qa.latency", "stage", "total", "outcome", "answered").totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(750);
    }

    @Test
    void aFailureWithCodeExpiredEndsExpiredAndIsCountedAsAnError() {
        tracker.onFailure(failure("r1", FailureCode.EXPIRED)).block();

        assertThat(r1().status()).isEqualTo(RequestStatus.EXPIRED);
        assertThat(r1().failure().stage()).isEqualTo(FailureStage.GENERATION);
        assertThat(meters.counter("qa.errors", "stage", "generation", "code", "expired").count()).isEqualTo(1);
    }

    @Test
    void eventsForUnknownRequestsChangeNothing() {
        tracker.onAnswer(answer("someone-elses", "x")).block();

        assertThat(tracker.find("someone-elses").block()).isNull();
        assertThat(meters.find("qa.duplicates").counter().count()).isZero();
    }

    @Test
    void theSweeperExpiresOnlyRequestsPastDeadlinePlusGrace() {
        tracker.accepted(TrackedRequest.queued("r2", "Later?", null, Variant.defaults(5), START, START.plusSeconds(60),
                null)).block();
        tracker.onProgress(RequestProgressed.of("r1", RequestStatus.RETRIEVING, clock.instant())).block();

        clock.advance(Duration.ofSeconds(31));
        assertThat(tracker.expireOverdue().block()).isZero();

        clock.advance(Duration.ofSeconds(2));
        assertThat(tracker.expireOverdue().block()).isEqualTo(1);
        assertThat(r1().status()).isEqualTo(RequestStatus.EXPIRED);
        assertThat(r1().failure().code()).isEqualTo(FailureCode.EXPIRED);
        assertThat(r1().failure().stage()).isEqualTo(FailureStage.GATEWAY);
        assertThat(tracker.find("r2").block().status()).isEqualTo(RequestStatus.QUEUED);

        tracker.onAnswer(answer("r1", "too late")).block();
        assertThat(r1().status()).isEqualTo(RequestStatus.EXPIRED);
        assertThat(meters.counter("qa.duplicates", "kind", "terminal").count()).isEqualTo(1);
    }

    @Test
    void followersSeeTheCurrentStatusThenEachChangeAndCompleteAfterTheTerminalOne() {
        StepVerifier.create(tracker.follow("r1").map(TrackedRequest::status))
                .expectNext(RequestStatus.QUEUED)
                .then(() -> tracker.onProgress(RequestProgressed.of("r1", RequestStatus.RETRIEVING, START)).block())
                .expectNext(RequestStatus.RETRIEVING)
                .then(() -> tracker.onProgress(RequestProgressed.of("r1", RequestStatus.GENERATING, START)).block())
                .expectNext(RequestStatus.GENERATING)
                .then(() -> tracker.onAnswer(answer("r1", "done")).block())
                .expectNext(RequestStatus.ANSWERED)
                .verifyComplete();
        assertThat(updates.followedRequests()).isZero();
    }

    @Test
    void aWaiterAndAStreamCompleteFromTheSameChange() {
        List<RequestStatus> stream = new ArrayList<>();
        Disposable streaming = tracker.follow("r1").map(TrackedRequest::status).subscribe(stream::add);
        var waiter = tracker.follow("r1").filter(TrackedRequest::isTerminal).next().toFuture();

        tracker.onFailure(failure("r1", FailureCode.LLM_FAILED)).block();

        assertThat(waiter).isCompleted();
        assertThat(waiter.join().status()).isEqualTo(RequestStatus.FAILED);
        assertThat(stream).containsExactly(RequestStatus.QUEUED, RequestStatus.FAILED);
        assertThat(streaming.isDisposed()).isTrue();
        assertThat(updates.followedRequests()).isZero();
    }

    @Test
    void followingAnUnknownRequestFails() {
        StepVerifier.create(tracker.follow("nope")).expectError(UnknownRequestException.class).verify();
        assertThat(updates.followedRequests()).isZero();
    }

    @Test
    void aFollowerThatCancelsLeavesNoSinkBehind() {
        tracker.follow("r1").take(1).blockLast();
        assertThat(updates.followedRequests()).isZero();
    }

    private static AnswerCompleted answer(String requestId, String text) {
        return new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal(requestId), START, requestId,
                "u1", Variant.defaults(5), text, List.of(new SourceChunk("d", "d#0", "t", 0.5, "chunk")), "m", false,
                new TokenUsage(1, 1, false), 0.0, new StageLatency(10, 1, 1, 8), null, null, null);
    }

    private static RequestFailed failure(String requestId, FailureCode code) {
        return RequestFailed.of(new RequestRef(requestId, "u1", Variant.defaults(5), null), FailureStage.GENERATION,
                code, false, "boom", StageLatency.NONE, START);
    }
}
