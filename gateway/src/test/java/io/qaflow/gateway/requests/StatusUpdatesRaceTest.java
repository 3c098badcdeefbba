package io.qaflow.gateway.requests;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.StageLatency;
import io.qaflow.model.Variant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Followers that subscribe while the request changes still see its terminal status, and leave nothing behind. */
class StatusUpdatesRaceTest {
    private static final int REQUESTS = 300;

    @Test
    void everyFollowerEndsWithTheTerminalStatusWhateverTheInterleaving() throws Exception {
        Clock clock = Clock.systemUTC();
        StatusUpdates updates = new StatusUpdates();
        RequestTracker tracker = new RequestTracker(
                new InMemoryRequestStatusStore(Duration.ofMinutes(15), 10_000, clock), updates,
                new GatewayMetrics(new SimpleMeterRegistry()), clock, Duration.ofSeconds(2));
        Instant now = clock.instant();
        for (int i = 0; i < REQUESTS; i++) {
            tracker.accepted(TrackedRequest.queued("r" + i, "q", null, Variant.defaults(5), now, now.plusSeconds(30),
                    null)).block();
        }

        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<CompletableFuture<List<RequestStatus>>> followers = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String id = "r" + i;
                followers.add(CompletableFuture.supplyAsync(() -> tracker.follow(id).map(TrackedRequest::status)
                        .collectList().block(Duration.ofSeconds(10)), threads));
                threads.submit(() -> {
                    tracker.onProgress(RequestProgressed.of(id, RequestStatus.RETRIEVING, now)).block();
                    tracker.onProgress(RequestProgressed.of(id, RequestStatus.GENERATING, now)).block();
                    tracker.onFailure(RequestFailed.of(new RequestRef(id, null, Variant.defaults(5), null),
                            FailureStage.GENERATION, FailureCode.LLM_FAILED, false, "x", StageLatency.NONE,
                            now)).block();
                });
            }
            for (CompletableFuture<List<RequestStatus>> follower : followers) {
                List<RequestStatus> seen = follower.get();
                assertThat(seen).last().isEqualTo(RequestStatus.FAILED);
                assertThat(seen).isSorted().doesNotHaveDuplicates();
            }
        }
        assertThat(updates.followedRequests()).isZero();
    }
}
