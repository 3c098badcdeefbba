package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;

/** A question the gateway accepted; published to {@code qa.requests.v1}, keyed by request id. */
public record QuestionAsked(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String requestId,
        String question,
        String userId,
        Variant variant,
        Instant acceptedAt,
        Instant deadline,
        String apiKeyId) implements RequestEvent {

    public static final int SCHEMA_VERSION = 1;

    public QuestionAsked {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(requestId, "requestId");
        notBlank(question, "question");
        notNull(variant, "variant");
        notNull(acceptedAt, "acceptedAt");
        notNull(deadline, "deadline");
    }

    /** @param apiKeyId the id (never the secret) of the API key the request came with, or null */
    public static QuestionAsked of(String requestId, String question, String userId, Variant variant,
                                   Instant acceptedAt, Instant deadline, String apiKeyId) {
        return new QuestionAsked(SCHEMA_VERSION, EventIds.random(), acceptedAt, requestId, question, userId, variant,
                acceptedAt, deadline, apiKeyId);
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(deadline);
    }
}
