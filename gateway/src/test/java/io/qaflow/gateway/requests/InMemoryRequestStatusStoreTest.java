package io.qaflow.gateway.requests;

import io.qaflow.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.RequestStatus;
import io.qaflow.model.Variant;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryRequestStatusStoreTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);

    private static TrackedRequest queued(String id, Instant at) {
        return TrackedRequest.queued(id, "q", null, Variant.defaults(5), at, at.plusSeconds(30), null);
    }

    @Test
    void holdsAtMostItsCapacityDroppingTheOldestFirst() {
        InMemoryRequestStatusStore store = new InMemoryRequestStatusStore(Duration.ofMinutes(15), 3, clock);
        for (int i = 1; i <= 5; i++) {
            store.insert(queued("r" + i, START)).block();
        }

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find("r1").block()).isNull();
        assertThat(store.find("r2").block()).isNull();
        assertThat(store.find("r5").block()).isNotNull();
    }

    @Test
    void forgetsRequestsAfterTheRetention() {
        InMemoryRequestStatusStore store = new InMemoryRequestStatusStore(Duration.ofMinutes(15), 100, clock);
        store.insert(queued("old", START)).block();
        clock.advance(Duration.ofMinutes(10));
        store.insert(queued("newer", clock.instant())).block();

        clock.advance(Duration.ofMinutes(6));
        assertThat(store.find("old").block()).as("past retention").isNull();
        assertThat(store.find("newer").block()).isNotNull();

        store.insert(queued("newest", clock.instant())).block();
        assertThat(store.size()).as("expired entries are dropped on insert").isEqualTo(2);
    }

    @Test
    void updatesAtomicallyAndReportsWhetherAnythingChanged() {
        InMemoryRequestStatusStore store = new InMemoryRequestStatusStore(Duration.ofMinutes(15), 100, clock);
        store.insert(queued("r1", START)).block();

        RequestStatusStore.Update unchanged = store.update("r1", r -> r).block();
        RequestStatusStore.Update changed = store.update("r1", r -> r.progressedTo(RequestStatus.RETRIEVING, START))
                .block();

        assertThat(unchanged.changed()).isFalse();
        assertThat(changed.changed()).isTrue();
        assertThat(changed.after().version()).isEqualTo(2);
        assertThat(store.update("unknown", r -> r).block()).isNull();
    }

    @Test
    void listsUnfinishedRequestsPastACutoff() {
        InMemoryRequestStatusStore store = new InMemoryRequestStatusStore(Duration.ofMinutes(15), 100, clock);
        store.insert(queued("early", START)).block();
        store.insert(queued("late", START.plusSeconds(20))).block();

        assertThat(store.unfinishedWithDeadlineBefore(START.plusSeconds(31)).map(TrackedRequest::requestId)
                .collectList().block()).containsExactly("early");
    }

    @Test
    void atCapacityDropsFinishedRequestsBeforeUnfinishedOnes() {
        InMemoryRequestStatusStore store = new InMemoryRequestStatusStore(Duration.ofMinutes(15), 3, clock);
        store.insert(queued("waiting", START)).block();
        store.insert(queued("done", START)).block();
        store.insert(queued("also-waiting", START)).block();
        store.update("done", r -> r.failed(new Failure(io.qaflow.model.FailureStage.GATEWAY,
                io.qaflow.model.FailureCode.EXPIRED, "late", false), START)).block();

        store.insert(queued("new", START)).block();

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find("done").block()).as("finished: dropped first").isNull();
        assertThat(store.find("waiting").block()).as("the oldest, but unfinished").isNotNull();
        assertThat(store.find("new").block()).isNotNull();
    }
}
