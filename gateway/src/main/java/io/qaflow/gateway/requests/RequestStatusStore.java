package io.qaflow.gateway.requests;

import java.time.Instant;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where request statuses live, with a time to live. In memory for one gateway instance now; a shared (Redis)
 * implementation can replace it without callers changing.
 */
public interface RequestStatusStore {

    /** Stores a newly accepted request. */
    Mono<Void> insert(TrackedRequest request);

    /** The request, or empty when it is unknown or its retention ended. */
    Mono<TrackedRequest> find(String requestId);

    /**
     * Atomically replaces the request with {@code change.apply(current)}; a change that returns its argument leaves it
     * as it is. Empty when the request is unknown.
     */
    Mono<Update> update(String requestId, UnaryOperator<TrackedRequest> change);

    /** Forgets the request (used when it could not be published). */
    Mono<Void> remove(String requestId);

    /** Requests not yet finished whose deadline lies before {@code cutoff}. */
    Flux<TrackedRequest> unfinishedWithDeadlineBefore(Instant cutoff);

    /** One applied update: the value before and after (the same instance when nothing changed). */
    record Update(TrackedRequest before, TrackedRequest after) {
        public boolean changed() {
            return before != after;
        }
    }
}
