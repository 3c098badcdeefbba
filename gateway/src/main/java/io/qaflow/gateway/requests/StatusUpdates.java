package io.qaflow.gateway.requests;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Live status changes per request, for synchronous waiters and event streams alike. A sink exists only while
 * someone follows the request; it completes with the request's terminal status.
 */
public final class StatusUpdates {
    private static final int BUFFER = 32;

    /** A request's sink and how many followers hold it (the sink's own count lags behind cancellations). */
    private record Followed(Sinks.Many<TrackedRequest> sink, int followers) {}

    private final Map<String, Followed> followed = new ConcurrentHashMap<>();

    /** Hands a changed request to its followers; a terminal one ends their streams. */
    public void publish(TrackedRequest changed) {
        Followed target = changed.isTerminal()
                ? followed.remove(changed.requestId())
                : followed.get(changed.requestId());
        if (target == null) {
            return;
        }
        Sinks.Many<TrackedRequest> sink = target.sink();
        synchronized (sink) {
            sink.tryEmitNext(changed);
            if (changed.isTerminal()) {
                sink.tryEmitComplete();
            }
        }
    }

    /**
     * The request's current state (from {@code current}, which must not be empty) followed by each later change, in
     * life-cycle order, completing after the terminal one.
     */
    public Flux<TrackedRequest> follow(String requestId, Mono<TrackedRequest> current) {
        return Flux.defer(() -> {
            Sinks.Many<TrackedRequest> sink = join(requestId);
            AtomicReference<TrackedRequest> lastSeen = new AtomicReference<>();
            // merge subscribes to the live changes before it reads the current state, so no change falls in between
            return Flux.merge(sink.asFlux(), current)
                    .filter(r -> advances(lastSeen, r))
                    .takeUntil(TrackedRequest::isTerminal)
                    .doFinally(signal -> leave(requestId, sink));
        });
    }

    /** Number of requests currently followed (for tests and diagnostics). */
    public int followedRequests() {
        return followed.size();
    }

    private Sinks.Many<TrackedRequest> join(String requestId) {
        return followed.compute(requestId, (id, existing) -> existing == null
                ? new Followed(Sinks.many().multicast().onBackpressureBuffer(BUFFER, false), 1)
                : new Followed(existing.sink(), existing.followers() + 1)).sink();
    }

    private void leave(String requestId, Sinks.Many<TrackedRequest> sink) {
        followed.computeIfPresent(requestId, (id, existing) -> {
            if (existing.sink() != sink) {
                return existing;
            }
            return existing.followers() <= 1 ? null : new Followed(sink, existing.followers() - 1);
        });
    }

    /** Whether {@code next} lies ahead of what the follower saw (by status, then version: see isAheadOf). */
    private static boolean advances(AtomicReference<TrackedRequest> lastSeen, TrackedRequest next) {
        TrackedRequest seen = lastSeen.get();
        while (seen == null || next.isAheadOf(seen)) {
            if (lastSeen.compareAndSet(seen, next)) {
                return true;
            }
            seen = lastSeen.get();
        }
        return false;
    }
}
