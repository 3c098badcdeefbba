package io.qaflow.gateway.requests;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.RequestRef;
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
 * @param apiKeyId the id of the API key the request came with, or null
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
        Failure failure,
        String apiKeyId) {

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
                                        Instant acceptedAt, Instant deadline, String apiKeyId) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline, RequestStatus.QUEUED, 1,
                acceptedAt, null, null, apiKeyId);
    }

    /** The request as its events name it. */
    public RequestRef ref() {
        return new RequestRef(requestId, userId, variant, apiKeyId);
    }

    /**
     * Whether this value lies further along the life cycle than {@code other}: a later status, or the same status at
     * a higher version; of two terminal states the earlier one, because the first terminal state wins. Two copies of
     * a request (in Redis and in a replica's memory) are ordered this way, since their version counters can drift
     * apart while Redis is away.
     */
    public boolean isAheadOf(TrackedRequest other) {
        if (status.isTerminal() && other.status.isTerminal()) {
            return updatedAt.isBefore(other.updatedAt);
        }
        int byStatus = Integer.compare(status.ordinal(), other.status.ordinal());
        return byStatus != 0 ? byStatus > 0 : version > other.version;
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
                null, null, apiKeyId);
    }

    public TrackedRequest answered(AnswerCompleted completed, Instant now) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline, RequestStatus.ANSWERED,
                version + 1, now, completed, null, apiKeyId);
    }

    public TrackedRequest failed(Failure why, Instant now) {
        return new TrackedRequest(requestId, question, userId, variant, acceptedAt, deadline,
                why.code().terminalStatus(), version + 1, now, null, why, apiKeyId);
    }
}
