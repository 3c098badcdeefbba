package io.qaflow.model;

public enum RequestStatus {
    QUEUED,
    RETRIEVING,
    GENERATING,
    ANSWERED,
    FAILED,
    EXPIRED;

    public boolean isTerminal() {
        return this == ANSWERED || this == FAILED || this == EXPIRED;
    }
}
