package io.qaflow.model;

/** An event about one request: which request, and the experiment arm it was given. */
public interface RequestEvent extends Event {
    String requestId();

    Variant variant();
}
