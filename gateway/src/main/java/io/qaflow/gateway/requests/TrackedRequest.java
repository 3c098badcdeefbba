package io.qaflow.gateway.requests;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.Variant;
import java.time.Instant;
import java.util.Objects;

/**
 * What the gateway knows about one accepted request. Immutable: every change makes a new value with a higher
 * {@code version}, so readers can order the values they see.
 *
 * @param answer set once the request is ANSWERED
 * @param failure set once the request is FAILED or EXPIRED
 */
public record TrackedRequest(
        String requestId,
        String question,
        String userId,
        Variant variant,
        Instant acceptedAt,
        Instant deadline,
        RequestStatus status,
        long version,
        Instant updatedAt,
        AnswerCompleted answer,
        Failure failure) {

    public TrackedRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (status == RequestStatus.ANSWERED && answer == null) {
            throw new IllegalArgumentException("an ANSWERED request carries its answer");
        }
        if ((status == RequestStatus.FAILED || status == RequestStatus.EXPIRED) && failure == null) {
            throw new IllegalArgumentException("a " + status + " request carries its failure");
        }
    }

    public static TrackedRequest queued(String requestId, String question, String userId, Variant variant,
                                        Instant acceptedAt, Instant deadline) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline, RequestStatus.QUEUED, 1,
                acceptedAt, null, null);
    }

    public boolean isTerminal() {
        return status.isTerminal();
    }

    /** Whether the request may still move to {@code next}: it is not finished and {@code next} lies ahead. */
    public boolean canProgressTo(RequestStatus next) {
        return !isTerminal() && next.ordinal() > status.ordinal();
    }

    public TrackedRequest progressedTo(RequestStatus next, Instant now) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline, next, version + 1, now,
                null, null);
    }

    public TrackedRequest answered(AnswerCompleted completed, Instant now) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline, RequestStatus.ANSWERED,
                version + 1, now, completed, null);
    }

    public TrackedRequest failed(Failure why, Instant now) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline,
                why.code().terminalStatus(), version + 1, now, null, why);
    }
}
