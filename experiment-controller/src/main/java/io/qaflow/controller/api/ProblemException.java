package io.qaflow.controller.api;

import io.qaflow.web.FieldError;
import io.qaflow.web.RequestBodyException;
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
}
