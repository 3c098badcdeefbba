package io.qaflow.gateway.requests;

import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import java.util.Objects;

/** Why a request ended FAILED or EXPIRED, as the client sees it. */
public record Failure(FailureStage stage, FailureCode code, String message, boolean retryable) {

    public Failure {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    public static Failure of(RequestFailed event) {
        return new Failure(event.stage(), event.errorCode(), event.message(), event.retryable());
    }
}
