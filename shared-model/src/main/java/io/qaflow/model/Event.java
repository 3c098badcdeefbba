package io.qaflow.model;

import java.time.Instant;

/** Fields every event on a qaflow topic carries. */
public interface Event {
    int schemaVersion();

    String eventId();

    Instant occurredAt();
}
