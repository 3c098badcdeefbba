package io.qaflow.metrics.topology;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.FeedbackGiven;
import io.qaflow.model.Rating;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.StageLatency;
import io.qaflow.model.Variant;

/**
 * What the aggregation needs of one input event. Exactly one of the
 * kind-specific parts is set: {@code answer} for ANSWERED, {@code failure} for FAILED, {@code rating} for FEEDBACK.
 *
 * @param eventTimeMs the event's {@code occurredAt}, which is also its record timestamp in the topology
 */
public record Observation(
        String eventId,
        String experimentId,
        String variant,
        Kind kind,
        long eventTimeMs,
        Answer answer,
        Failure failure,
        Rating rating) {

    public enum Kind {
        ANSWERED,
        FAILED,
        FEEDBACK
    }

    public record Answer(boolean cached, boolean degraded, StageLatency latencyMs, long promptTokens,
                         long completionTokens, double costUsd) {}

    public record Failure(FailureCode code, FailureStage stage) {}

    static Observation of(AnswerFields a) {
        return new Observation(a.eventId(), a.experimentId(), a.variant(), Kind.ANSWERED,
                a.occurredAt().toEpochMilli(), new Answer(a.cached(), a.degraded(), a.latencyMs(),
                        a.promptTokens(), a.completionTokens(), a.costUsd()), null, null);
    }

    public static Observation of(AnswerCompleted a) {
        return new Observation(a.eventId(), experimentOf(a.variant()), a.variant().variant(), Kind.ANSWERED,
                a.occurredAt().toEpochMilli(), new Answer(a.cached(), a.degraded(), a.latencyMs(),
                        a.usage().promptTokens(), a.usage().completionTokens(), a.costUsd()), null, null);
    }

    public static Observation of(RequestFailed f) {
        return new Observation(f.eventId(), experimentOf(f.variant()), f.variant().variant(), Kind.FAILED,
                f.occurredAt().toEpochMilli(), null, new Failure(f.errorCode(), f.stage()), null);
    }

    public static Observation of(FeedbackGiven f) {
        return new Observation(f.eventId(), experimentOf(f.variant()), f.variant().variant(), Kind.FEEDBACK,
                f.occurredAt().toEpochMilli(), null, null, f.rating());
    }

    /** The key the statistics are grouped by. */
    public String groupKey() {
        return experimentId + "/" + variant;
    }


    private static String experimentOf(Variant variant) {
        String id = variant.experimentId();
        return id == null || id.isBlank() ? Variant.DEFAULT_EXPERIMENT : id;
    }
}
