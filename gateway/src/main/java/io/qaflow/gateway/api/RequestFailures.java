package io.qaflow.gateway.api;

import io.qaflow.gateway.requests.Failure;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.model.RequestStatus;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;

/**
 * The problem a caller waiting on a request gets when it ended FAILED or EXPIRED: 504 for an expired request, 503
 * (with Retry-After) for a retryable failure, 502 otherwise. Never a 200 that carries an error.
 */
final class RequestFailures {
    private RequestFailures() {}

    static ProblemException problemFor(TrackedRequest request, Duration retryAfter) {
        Failure failure = request.failure();
        HttpHeaders headers = new HttpHeaders();
        headers.setLocation(URI.create(RequestView.statusUrl(request.requestId())));
        Problem problem;
        if (request.status() == RequestStatus.EXPIRED) {
            problem = Problem.of(504, "request-expired", "Request expired", failure.message(), null);
        } else if (failure.retryable()) {
            headers.addAll(ProblemException.retryAfter(retryAfter));
            problem = Problem.of(503, "request-failed", "Request failed", failure.message(), null);
        } else {
            problem = Problem.of(502, "request-failed", "Request failed", failure.message(), null);
        }
        return new ProblemException(problem.with("requestId", request.requestId())
                .with("stage", failure.stage().name()).with("code", failure.code().name())
                .with("retryable", failure.retryable()), headers);
    }

    static String outcome(TrackedRequest request) {
        return request.status() == RequestStatus.EXPIRED ? "expired" : "failed";
    }
}
