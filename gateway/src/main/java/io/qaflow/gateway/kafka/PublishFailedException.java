package io.qaflow.gateway.kafka;

import java.util.List;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Events were not all acknowledged. {@link #mayHaveBeenPublished()} tells two cases apart: false when the producer or
 * broker definitely rejected the failed event (too large, unserialisable, not authorised), true when its fate is
 * unknown (a timeout, a lost acknowledgement: it may still be, or become, part of the topic). Of a batch,
 * {@link #failedIndex()} is the first event not acknowledged and {@link #acknowledged()} lists those that were.
 */
public final class PublishFailedException extends RuntimeException {
    private final boolean mayHaveBeenPublished;
    private final int failedIndex;
    private final List<Integer> acknowledged;

    public PublishFailedException(String topic, String reason, Throwable cause, boolean mayHaveBeenPublished,
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
        return EventPublisher.causedBy(getCause(), RecordTooLargeException.class)
                || EventPublisher.causedBy(getCause(), RecordBatchTooLargeException.class);
    }
}
