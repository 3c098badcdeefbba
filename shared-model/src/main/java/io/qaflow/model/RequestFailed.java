package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;

/** A request's failed or expired terminal event, on {@code qa.failures.v1}. Its event id is {@link EventIds#terminal}. */
public record RequestFailed(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String requestId,
        String userId,
        Variant variant,
        FailureStage stage,
        FailureCode errorCode,
        boolean retryable,
        String message,
        StageLatency latencyMs,
        String apiKeyId) implements RequestEvent {

    public static final int SCHEMA_VERSION = 1;

    public RequestFailed {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(requestId, "requestId");
        notNull(variant, "variant");
        notNull(stage, "stage");
        notNull(errorCode, "errorCode");
        message = message == null ? "" : message;
        notNull(latencyMs, "latencyMs");
    }

    /** The terminal failure (or expiry) of {@code request}, at {@code at}. */
    public static RequestFailed of(RequestRef request, FailureStage stage, FailureCode code, boolean retryable,
                                   String message, StageLatency latency, Instant at) {
        return new RequestFailed(SCHEMA_VERSION, EventIds.terminal(request.requestId()), at, request.requestId(),
                request.userId(), request.variant(), stage, code, retryable, message, latency, request.apiKeyId());
    }

    public RequestStatus terminalStatus() {
        return errorCode.terminalStatus();
    }
}
