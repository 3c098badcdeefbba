package io.qaflow.model;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

public final class EventIds {
    private EventIds() {}

    public static String random() {
        return UUID.randomUUID().toString();
    }

    /**
     * The event id of a request's terminal event (answer or failure). It is derived from the request id, so a
     * terminal event that is published twice (at-least-once redelivery after a worker crash) carries the same id
     * and any consumer can drop the duplicate.
     */
    public static String terminal(String requestId) {
        return UUID.nameUUIDFromBytes(("terminal:" + requestId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Event id of a progress event: one per request and status, so duplicates are recognisable too. */
    public static String progress(String requestId, RequestStatus status) {
        return UUID.nameUUIDFromBytes(("progress:" + status + ":" + requestId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
