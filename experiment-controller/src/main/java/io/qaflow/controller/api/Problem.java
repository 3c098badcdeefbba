package io.qaflow.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.qaflow.web.FieldError;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}), shaped like the gateway's. {@code errors} names the
 * offending fields of a rejected request; {@code experimentId} and {@code currentStatus} describe the experiment a
 * refused transition was about.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors,
        String experimentId,
        String currentStatus) {

    public static final String TYPE_PREFIX = "urn:qaflow:problem:";

    public Problem {
        errors = errors == null ? null : List.copyOf(errors);
    }

    public static Problem of(int status, String slug, String title, String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, errors, null, null);
    }

    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, errors, experimentId, currentStatus);
    }

    public Problem about(String id, String status) {
        return new Problem(type, title, this.status, detail, instance, errors, id, status);
    }
}
