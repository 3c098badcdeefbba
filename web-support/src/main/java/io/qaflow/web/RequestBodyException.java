package io.qaflow.web;

import java.util.List;

/**
 * A request body {@link JsonBodyReader} refused: 400 with every offending field, or 413 when it is too large. Each
 * service's exception handler turns it into its own problem document.
 *
 * @param slug the last part of the problem type, e.g. {@code invalid-request}
 */
public final class RequestBodyException extends RuntimeException {
    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;

    private RequestBodyException(int status, String slug, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static RequestBodyException invalid(List<FieldError> errors) {
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).limit(5)
                .reduce((a, b) -> a + "; " + b).orElse("the request is invalid");
        return new RequestBodyException(400, "invalid-request", "Invalid request", detail, errors);
    }

    public static RequestBodyException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static RequestBodyException tooLarge(long limitBytes) {
        return new RequestBodyException(413, "payload-too-large", "Request body too large",
                "the body must be at most " + limitBytes + " bytes",
                List.of(new FieldError("body", "must be at most " + limitBytes + " bytes")));
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }
}
