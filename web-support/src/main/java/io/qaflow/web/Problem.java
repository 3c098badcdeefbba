package io.qaflow.web;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problem document of every qaflow service ({@code application/problem+json}, RFC 9457). {@code errors} names the
 * offending fields of a rejected request; a service adds the members that describe what the problem is about
 * ({@code requestId}, {@code stage}, {@code retryable} at the gateway, {@code experimentId} at the controller) with
 * {@link #with}, and they are written beside the standard members.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errors"})
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors,
                      Map<String, Object> extensions) {

    public static final String TYPE_PREFIX = "urn:qaflow:problem:";

    public Problem {
        errors = errors == null || errors.isEmpty() ? null : List.copyOf(errors);
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions == null ? Map.of() : extensions));
    }

    /**
     * A problem of type {@code urn:qaflow:problem:<slug>}.
     *
     * @param errors the offending fields, or null when the problem is not about the request's content
     */
    public static Problem of(int status, String slug, String title, String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, errors, Map.of());
    }

    /** This problem about the request at {@code path}. */
    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, errors, extensions);
    }

    /** This problem with one more member; a null value leaves it out. */
    public Problem with(String member, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new Problem(type, title, status, detail, instance, errors, more);
    }

    /** The service-specific members, written beside the standard ones rather than nested. */
    @Override
    @JsonAnyGetter
    public Map<String, Object> extensions() {
        return extensions;
    }
}
