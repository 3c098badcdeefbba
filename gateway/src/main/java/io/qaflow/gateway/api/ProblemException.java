package io.qaflow.gateway.api;

import io.qaflow.web.FieldError;
import io.qaflow.web.RequestBodyException;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** Ends a request with a problem document; thrown by the API layer, rendered by {@link ProblemExceptionHandler}. */
public final class ProblemException extends RuntimeException {
    private final Problem problem;
    private final HttpHeaders headers;

    public ProblemException(Problem problem, HttpHeaders headers) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    public ProblemException(Problem problem) {
        this(problem, new HttpHeaders());
    }

    public Problem problem() {
        return problem;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** A body the shared reader refused (400 naming the fields, or 413), as this service's problem. */
    public static ProblemException of(RequestBodyException body) {
        return new ProblemException(Problem.of(body.status(), body.slug(), body.title(), body.detail(),
                body.errors()));
    }

    public static ProblemException invalid(List<FieldError> errors) {
        return of(RequestBodyException.invalid(errors));
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }


    public static ProblemException unknownRequest(String requestId) {
        return new ProblemException(Problem.of(404, "unknown-request", "Unknown request",
                "no request " + requestId + " is known (never accepted, or its status is no longer kept)",
                List.of(new FieldError("id", "no such request"))).forRequest(requestId, null, null, null));
    }

    public static ProblemException unavailable(String detail, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, retryAfterSeconds(retryAfter));
        return new ProblemException(Problem.of(HttpStatus.SERVICE_UNAVAILABLE.value(), "service-unavailable",
                "Service unavailable", detail, null), headers);
    }

    static String retryAfterSeconds(Duration retryAfter) {
        return String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }
}
