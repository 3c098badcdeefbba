package io.qaflow.model;

import java.util.Objects;

/** Constructor checks for event records: an event that breaks its contract is never built. */
final class Require {
    private Require() {}

    static String notBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    static <T> T notNull(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    static void envelope(int schemaVersion, String eventId, Object occurredAt) {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1");
        }
        notBlank(eventId, "eventId");
        notNull(occurredAt, "occurredAt");
    }
}
