package io.qaflow.model;

/** Milliseconds spent per stage; {@code total} runs from the gateway's acceptance to the terminal event. */
public record StageLatency(long total, long embed, long retrieve, long generate) {
    public static final StageLatency NONE = new StageLatency(0, 0, 0, 0);

    public StageLatency {
        if (total < 0 || embed < 0 || retrieve < 0 || generate < 0) {
            throw new IllegalArgumentException("latencies must not be negative");
        }
    }
}
