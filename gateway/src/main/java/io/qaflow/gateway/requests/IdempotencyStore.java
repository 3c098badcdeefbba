package io.qaflow.gateway.requests;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Remembers which request an {@code Idempotency-Key} created, for a time to live. In memory for one gateway instance
 * now; a shared (Redis) implementation can replace it without callers changing.
 */
public interface IdempotencyStore {

    /**
     * Claims {@code key} for a new request unless it is already known.
     *
     * @param fingerprint identifies the request body; the same key with another fingerprint is a conflict
     */
    Mono<Claim> claim(String key, String fingerprint, String requestId, Instant now);

    /** Frees a key claimed by {@code requestId} (its request could not be published), so a retry may use it. */
    Mono<Void> release(String key, String requestId);

    sealed interface Claim {
        /** The key was new: the caller's request owns it. */
        record Claimed() implements Claim {}

        /** The key already belongs to this request, made from the same body. */
        record SameRequest(String requestId) implements Claim {}

        /** The key already belongs to a request made from another body. */
        record Conflict(String requestId) implements Claim {}
    }
}
