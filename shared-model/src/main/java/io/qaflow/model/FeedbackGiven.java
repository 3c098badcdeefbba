package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;

/** A user's rating of a finished request; on {@code qa.feedback.v1}. The variant is that of the rated answer. */
public record FeedbackGiven(int schemaVersion, String eventId, Instant occurredAt, String requestId, Rating rating,
                            String userId, Variant variant) implements RequestEvent {

    public static final int SCHEMA_VERSION = 1;

    public FeedbackGiven {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(requestId, "requestId");
        notNull(rating, "rating");
        notNull(variant, "variant");
    }

    public static FeedbackGiven of(String requestId, Rating rating, String userId, Variant variant, Instant now) {
        return new FeedbackGiven(SCHEMA_VERSION, EventIds.random(), now, requestId, rating, userId, variant);
    }
}
