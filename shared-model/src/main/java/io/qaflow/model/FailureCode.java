package io.qaflow.model;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** Why a request failed; {@link #EXPIRED} is the one that makes its status EXPIRED rather than FAILED. */
public enum FailureCode {
    EXPIRED,
    EMBEDDING_FAILED,
    RETRIEVAL_FAILED,
    LLM_FAILED,
    INTERNAL,
    @JsonEnumDefaultValue
    UNKNOWN;

    public RequestStatus terminalStatus() {
        return this == EXPIRED ? RequestStatus.EXPIRED : RequestStatus.FAILED;
    }
}
