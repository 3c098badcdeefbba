package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;

/** A worker started a stage of a request (RETRIEVING, GENERATING); on {@code qa.progress.v1}. */
public record RequestProgressed(int schemaVersion, String eventId, Instant occurredAt, String requestId,
                                RequestStatus status) implements Event {

    public static final int SCHEMA_VERSION = 1;

    public RequestProgressed {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(requestId, "requestId");
        notNull(status, "status");
        if (status.isTerminal() || status == RequestStatus.QUEUED) {
            throw new IllegalArgumentException("progress is RETRIEVING or GENERATING, was " + status);
        }
    }

    public static RequestProgressed of(String requestId, RequestStatus status, Instant now) {
        return new RequestProgressed(SCHEMA_VERSION, EventIds.progress(requestId, status), now, requestId, status);
    }
}
