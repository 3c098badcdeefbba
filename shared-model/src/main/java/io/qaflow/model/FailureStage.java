package io.qaflow.model;

public enum FailureStage {
    GATEWAY,
    EMBEDDING,
    RETRIEVAL,
    GENERATION
}
