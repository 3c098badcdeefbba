package io.qaflow.gateway.api;

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

    public static ProblemException invalid(List<FieldError> errors) {
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).limit(5)
                .reduce((a, b) -> a + "; " + b).orElse("the request is invalid");
        return new ProblemException(Problem.of(400, "invalid-request", "Invalid request", detail, errors));
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ProblemException tooLarge(long limitBytes) {
        return new ProblemException(Problem.of(413, "payload-too-large", "Request body too large",
                "the body must be at most " + limitBytes + " bytes",
                List.of(new FieldError("body", "must be at most " + limitBytes + " bytes"))));
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
