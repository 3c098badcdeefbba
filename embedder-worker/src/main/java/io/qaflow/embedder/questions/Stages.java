package io.qaflow.embedder.questions;

import io.micrometer.observation.Observation;

/** Starts the observation of one request's stage ({@code qa.embed}, {@code qa.retrieve}) as a span of its trace. */
@FunctionalInterface
public interface Stages {
    Stages NONE = (requestId, stage) -> Observation.NOOP;

    Observation start(String requestId, String stage);
}
