package io.qaflow.kafka;

import java.util.List;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Events were not all acknowledged. {@link #mayHaveBeenPublished()} tells two cases apart: false when the producer or
 * broker definitely rejected the failed event (too large, unserialisable, not authorised, no broker reachable before
 * sending), true when its fate is unknown (a timeout, a lost acknowledgement: it may still be, or become, part of the
 * topic). Of a batch, {@link #failedIndex()} is the first event not acknowledged and {@link #acknowledged()} lists
 * those that were.
 */
public final class PublishFailedException extends RuntimeException {
    private final boolean mayHaveBeenPublished;
    private final int failedIndex;
    private final List<Integer> acknowledged;

    PublishFailedException(String topic, String reason, Throwable cause, boolean mayHaveBeenPublished,
                           int failedIndex, List<Integer> acknowledged) {
        super("could not publish to " + topic + ": " + reason, cause);
        this.mayHaveBeenPublished = mayHaveBeenPublished;
        this.failedIndex = failedIndex;
        this.acknowledged = List.copyOf(acknowledged);
    }

    public boolean mayHaveBeenPublished() {
        return mayHaveBeenPublished;
    }

    /** Index of the first event of the batch not acknowledged; -1 when unknown. */
    public int failedIndex() {
        return failedIndex;
    }

    /** Indexes of the events of the batch the broker acknowledged despite the failure. */
    public List<Integer> acknowledged() {
        return acknowledged;
    }

    /** The producer refused an event for its size (over max.request.size, or the broker's limit). */
    public boolean tooLarge() {
        return causedBy(getCause(), RecordTooLargeException.class)
                || causedBy(getCause(), RecordBatchTooLargeException.class);
    }

    /**
     * Whether the error proves the record was not written: the producer refused it before sending, or the broker
     * rejected it. Anything else (a timeout, a lost connection) leaves its fate unknown.
     */
    static boolean definitelyRejected(Throwable error) {
        return causedBy(error, RecordTooLargeException.class)
                || causedBy(error, RecordBatchTooLargeException.class)
                || causedBy(error, SerializationException.class)
                || causedBy(error, InvalidTopicException.class)
                || causedBy(error, AuthorizationException.class)
                || causedBy(error, AuthenticationException.class)
                || causedBy(error, BrokersUnavailableException.class);
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Refused before sending: the availability probe sees no broker. */
    static final class BrokersUnavailableException extends RuntimeException {
        BrokersUnavailableException(String detail) {
            super("no Kafka broker reachable (" + detail + ")", null, false, false);
        }
    }
}
