package io.qaflow.gateway.requests;

import io.qaflow.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.Variant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ExpirySweeperTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(meters);
    private final RequestTracker tracker = new RequestTracker(
            new InMemoryRequestStatusStore(Duration.ofMinutes(15), 100, clock), new StatusUpdates(), metrics, clock,
            Duration.ofSeconds(2));
    private final List<RequestFailed> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final ExpirySweeper sweeper = new ExpirySweeper(tracker, event -> Mono.defer(() -> {
        if (failuresLeft.getAndDecrement() > 0) {
            return Mono.error(new IllegalStateException("broker away"));
        }
        published.add(event);
        return Mono.empty();
    }), metrics, Duration.ofMillis(100));

    private void acceptOverdue(String id) {
        tracker.accepted(TrackedRequest.queued(id, "Who won?", "u1", Variant.defaults(5), START, START.plusSeconds(30),
                null)).block();
    }

    @Test
    void publishesTheExpiryAsTheRequestsTerminalFailure() {
        acceptOverdue("r1");
        clock.advance(Duration.ofSeconds(33));

        sweeper.sweep();

        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        RequestFailed event = published.getFirst();
        assertThat(event.eventId()).isEqualTo(EventIds.terminal("r1"));
        assertThat(event.stage()).isEqualTo(FailureStage.GATEWAY);
        assertThat(event.errorCode()).isEqualTo(FailureCode.EXPIRED);
        assertThat(event.retryable()).isFalse();
        assertThat(event.userId()).isEqualTo("u1");
        assertThat(event.variant()).isEqualTo(Variant.defaults(5));
        assertThat(event.latencyMs().total()).isEqualTo(33_000);
        assertThat(tracker.find("r1").block().status()).isEqualTo(RequestStatus.EXPIRED);

        sweeper.sweep();
        assertThat(published).as("published once").hasSize(1);
    }

    @Test
    void aFailedPublishKeepsTheLocalExpiryAndIsRetriedOnTheNextSweeps() {
        acceptOverdue("r1");
        clock.advance(Duration.ofSeconds(33));
        failuresLeft.set(2);

        sweeper.sweep();
        assertThat(tracker.find("r1").block().status()).isEqualTo(RequestStatus.EXPIRED);
        await().atMost(Duration.ofSeconds(5)).until(() -> sweeper.pendingCount() == 1);
        assertThat(published).isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            sweeper.sweep();
            return published.size() == 1;
        });
        assertThat(published.getFirst().requestId()).isEqualTo("r1");
        assertThat(sweeper.pendingCount()).isZero();
    }

    @Test
    void givesUpAfterABoundedNumberOfAttempts() {
        acceptOverdue("r1");
        clock.advance(Duration.ofSeconds(33));
        failuresLeft.set(Integer.MAX_VALUE);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sweeper.sweep();
            return meters.counter("qa.errors", "stage", "gateway", "code", "expiry_unpublished").count() == 1;
        });
        assertThat(sweeper.pendingCount()).isZero();
        assertThat(failuresLeft.get()).isEqualTo(Integer.MAX_VALUE - ExpirySweeper.MAX_ATTEMPTS);
        assertThat(tracker.find("r1").block().status()).isEqualTo(RequestStatus.EXPIRED);
    }
}
