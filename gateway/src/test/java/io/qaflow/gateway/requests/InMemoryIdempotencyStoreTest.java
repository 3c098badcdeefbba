package io.qaflow.gateway.requests;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.gateway.requests.IdempotencyStore.Claim;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofMinutes(10), 3);

    @Test
    void aKeyNamesOneRequestForItsTimeToLive() {
        assertThat(store.claim("k", "body-a", "r1", NOW).block()).isEqualTo(new Claim.Claimed());
        assertThat(store.claim("k", "body-a", "r2", NOW.plusSeconds(1)).block()).isEqualTo(new Claim.SameRequest("r1"));
        assertThat(store.claim("k", "body-b", "r3", NOW.plusSeconds(2)).block()).isEqualTo(new Claim.Conflict("r1"));
        assertThat(store.claim("k", "body-b", "r4", NOW.plus(Duration.ofMinutes(10))).block())
                .as("expired").isEqualTo(new Claim.Claimed());
    }

    @Test
    void aReleasedKeyCanBeClaimedAgainButOnlyByItsOwnerRelease() {
        store.claim("k", "body", "r1", NOW).block();
        store.release("k", "someone-else").block();
        assertThat(store.claim("k", "body", "r2", NOW).block()).isEqualTo(new Claim.SameRequest("r1"));

        store.release("k", "r1").block();
        assertThat(store.claim("k", "body", "r2", NOW).block()).isEqualTo(new Claim.Claimed());
    }

    @Test
    void holdsAtMostItsCapacity() {
        for (int i = 0; i < 10; i++) {
            store.claim("k" + i, "body", "r" + i, NOW).block();
        }
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.claim("k9", "body", "x", NOW).block()).isEqualTo(new Claim.SameRequest("r9"));
    }

    @Test
    void aKeyClaimedAgainAfterItsReleaseIsNotEvictedByItsOldClaim() {
        store.claim("k", "body", "r1", NOW).block();
        store.claim("a", "body", "ra", NOW.plusSeconds(1)).block();
        store.release("k", "r1").block();
        store.claim("b", "body", "rb", NOW.plusSeconds(2)).block();
        store.claim("k", "body", "r2", NOW.plusSeconds(3)).block();

        // at capacity: the next claim must evict the oldest live key, "a", not the newest claim of "k"
        store.claim("c", "body", "rc", NOW.plusSeconds(4)).block();
        assertThat(store.claim("k", "body", "x", NOW.plusSeconds(5)).block())
                .as("the node left by the released claim must not evict the key's new claim")
                .isEqualTo(new Claim.SameRequest("r2"));
    }
}
