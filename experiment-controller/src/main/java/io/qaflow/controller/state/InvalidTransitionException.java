package io.qaflow.controller.state;

import io.qaflow.model.ExperimentState.Status;

/** A status change the lifecycle does not allow from the experiment's current status. */
public final class InvalidTransitionException extends RuntimeException {
    private final String experimentId;
    private final Status current;
    private final Status requested;

    public InvalidTransitionException(String experimentId, Status current, Status requested) {
        super("experiment " + experimentId + " is " + current + "; it cannot go to " + requested
                + (ExperimentTransitions.allowedFrom(current).isEmpty() ? " (" + current + " is final)"
                : " (from " + current + " only to " + ExperimentTransitions.allowedFrom(current) + ")"),
                null, false, false);
        this.experimentId = experimentId;
        this.current = current;
        this.requested = requested;
    }

    public String experimentId() {
        return experimentId;
    }

    public Status current() {
        return current;
    }

    public Status requested() {
        return requested;
    }
}
