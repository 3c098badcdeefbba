package io.qaflow.controller.api;

import java.util.List;

/** Ends a request with a problem document; thrown by the API layer, rendered by {@link ProblemExceptionHandler}. */
public final class ProblemException extends RuntimeException {
    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
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
}
