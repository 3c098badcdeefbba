package io.qaflow.gateway.requests;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Statuses of this instance's requests in memory, bounded twice: each is kept for {@code retention} after its
 * acceptance, and when {@code capacity} is reached the oldest are dropped first.
 */
public final class InMemoryRequestStatusStore implements RequestStatusStore {
    private static final Logger log = LoggerFactory.getLogger(InMemoryRequestStatusStore.class);

    private final Map<String, TrackedRequest> requests = new ConcurrentHashMap<>();
    private final Deque<String> acceptanceOrder = new ArrayDeque<>();
    private final Duration retention;
    private final int capacity;
    private final Clock clock;

    public InMemoryRequestStatusStore(Duration retention, int capacity, Clock clock) {
        if (retention.isNegative() || retention.isZero() || capacity < 1) {
            throw new IllegalArgumentException("retention must be positive and capacity >= 1");
        }
        this.retention = retention;
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public Mono<Void> insert(TrackedRequest request) {
        return Mono.fromRunnable(() -> {
            synchronized (acceptanceOrder) {
                evict(clock.instant(), capacity - 1);
                requests.put(request.requestId(), request);
                acceptanceOrder.addLast(request.requestId());
            }
        });
    }

    @Override
    public Mono<TrackedRequest> find(String requestId) {
        return Mono.fromSupplier(() -> {
            TrackedRequest request = requests.get(requestId);
            return request != null && isRetainedAt(request, clock.instant()) ? request : null;
        });
    }

    @Override
    public Mono<Update> update(String requestId, UnaryOperator<TrackedRequest> change) {
        return Mono.fromSupplier(() -> {
            Update[] applied = new Update[1];
            requests.computeIfPresent(requestId, (id, current) -> {
                TrackedRequest next = change.apply(current);
                applied[0] = new Update(current, next);
                return next;
            });
            return applied[0];
        });
    }

    @Override
    public Mono<Void> remove(String requestId) {
        return Mono.fromRunnable(() -> {
            synchronized (acceptanceOrder) {
                requests.remove(requestId);
                acceptanceOrder.removeLastOccurrence(requestId);
            }
        });
    }

    @Override
    public Flux<TrackedRequest> unfinishedWithDeadlineBefore(Instant cutoff) {
        return Flux.defer(() -> Flux.fromStream(requests.values().stream()
                .filter(r -> !r.isTerminal() && r.deadline().isBefore(cutoff))));
    }

    /**
     * Replaces the request held here with {@code authoritative} (its state in the shared store), when this store holds
     * the request at all; requests of other replicas are not copied in.
     */
    public Mono<Void> mirror(TrackedRequest authoritative) {
        return Mono.fromRunnable(() -> requests.computeIfPresent(authoritative.requestId(),
                (id, current) -> authoritative));
    }

    /** Every request still retained. */
    public Flux<TrackedRequest> all() {
        return Flux.defer(() -> {
            Instant now = clock.instant();
            return Flux.fromStream(requests.values().stream().filter(r -> isRetainedAt(r, now)).toList().stream());
        });
    }

    /** Number of requests held (for tests and diagnostics). */
    public int size() {
        return requests.size();
    }

    private boolean isRetainedAt(TrackedRequest request, Instant now) {
        return request.acceptedAt().plus(retention).isAfter(now);
    }

    /** Drops what outlived its retention, then, while still too many, finished requests before unfinished ones. */
    private void evict(Instant now, int maxSize) {
        String oldest;
        while ((oldest = acceptanceOrder.peekFirst()) != null) {
            TrackedRequest request = requests.get(oldest);
            if (request != null && isRetainedAt(request, now)) {
                break;
            }
            acceptanceOrder.pollFirst();
            if (request != null) {
                requests.remove(oldest);
            }
        }
        if (requests.size() <= maxSize) {
            return;
        }
        Iterator<String> byAge = acceptanceOrder.iterator();
        while (requests.size() > maxSize && byAge.hasNext()) {
            String id = byAge.next();
            TrackedRequest request = requests.get(id);
            if (request == null || request.isTerminal()) {
                byAge.remove();
                requests.remove(id);
            }
        }
        while (requests.size() > maxSize && (oldest = acceptanceOrder.pollFirst()) != null) {
            if (requests.remove(oldest) != null) {
                log.warn("status store full ({} requests, none finished): dropped unfinished request {}", capacity,
                        oldest);
            }
        }
    }
}
