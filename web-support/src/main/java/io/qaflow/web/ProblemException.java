package io.qaflow.web;

import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;

/** Ends a request with a problem document and, where it helps the client, headers ({@code Retry-After}). */
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

    /** A body {@link JsonBodyReader} refused: 400 naming the fields, or 413. */
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

    /** 503 with {@code Retry-After}: the client may send the same request again later. */
    public static ProblemException unavailable(String slug, String detail, Duration retryAfter) {
        return new ProblemException(Problem.of(503, slug, "Service unavailable", detail, null),
                retryAfter(retryAfter));
    }

    /** A {@code Retry-After} header of whole seconds, at least one. */
    public static HttpHeaders retryAfter(Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        return headers;
    }
}
