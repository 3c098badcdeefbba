package io.qaflow.gateway.requests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Idempotency keys in memory: each kept for {@code ttl}, at most {@code capacity} of them (oldest dropped first). */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(String fingerprint, String requestId, Instant expiresAt) {}

    private final Map<String, Entry> entries = new HashMap<>();
    private final Deque<String> claimOrder = new ArrayDeque<>();
    private final Duration ttl;
    private final int capacity;

    public InMemoryIdempotencyStore(Duration ttl, int capacity) {
        if (ttl.isNegative() || ttl.isZero() || capacity < 1) {
            throw new IllegalArgumentException("ttl must be positive and capacity >= 1");
        }
        this.ttl = ttl;
        this.capacity = capacity;
    }

    @Override
    public Mono<Claim> claim(String key, String fingerprint, String requestId, Instant now) {
        return Mono.fromSupplier(() -> {
            synchronized (entries) {
                evict(now);
                Entry existing = entries.get(key);
                if (existing != null && existing.expiresAt().isAfter(now)) {
                    return existing.fingerprint().equals(fingerprint)
                            ? new Claim.SameRequest(existing.requestId())
                            : new Claim.Conflict(existing.requestId());
                }
                if (existing != null) {
                    claimOrder.removeFirstOccurrence(key); // the expired claim's node, see release
                }
                entries.put(key, new Entry(fingerprint, requestId, now.plus(ttl)));
                claimOrder.addLast(key);
                return new Claim.Claimed();
            }
        });
    }

    @Override
    public Mono<Void> release(String key, String requestId) {
        return Mono.fromRunnable(() -> {
            synchronized (entries) {
                Entry existing = entries.get(key);
                if (existing != null && existing.requestId().equals(requestId)) {
                    entries.remove(key);
                    // its queue node must go too: left behind, it would evict a later claim of the same key early
                    claimOrder.removeLastOccurrence(key);
                }
            }
        });
    }

    /** Number of keys held (for tests and diagnostics). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private void evict(Instant now) {
        String oldest;
        while ((oldest = claimOrder.peekFirst()) != null) {
            Entry entry = entries.get(oldest);
            boolean stale = entry == null || !entry.expiresAt().isAfter(now);
            if (!stale && entries.size() < capacity) {
                return;
            }
            claimOrder.pollFirst();
            if (entry != null) {
                entries.remove(oldest);
            }
        }
    }
}
