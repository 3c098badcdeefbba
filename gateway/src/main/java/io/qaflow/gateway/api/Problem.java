package io.qaflow.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.qaflow.web.FieldError;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}). {@code errors} names the offending fields of a
 * rejected request; {@code requestId}, {@code stage}, {@code code} and {@code retryable} describe a request that
 * failed after it was accepted, and {@code statusUrl} where that request's status can be followed; {@code accepted}
 * lists the document ids a batch got published before it failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors,
        String requestId,
        String stage,
        String code,
        Boolean retryable,
        String statusUrl,
        List<String> accepted) {

    public static final String TYPE_PREFIX = "urn:qaflow:problem:";

    public Problem {
        errors = errors == null ? null : List.copyOf(errors);
        accepted = accepted == null ? null : List.copyOf(accepted);
    }

    public static Problem of(int status, String slug, String title, String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, errors, null, null, null, null, null, null);
    }

    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, errors, requestId, stage, code, retryable, statusUrl,
                accepted);
    }

    public Problem forRequest(String id, String failedStage, String failureCode, Boolean canRetry) {
        return new Problem(type, title, status, detail, instance, errors, id, failedStage, failureCode, canRetry,
                statusUrl, accepted);
    }

    /** Names where the status of the request this problem is about can be followed. */
    public Problem withStatusUrl(String url) {
        return new Problem(type, title, status, detail, instance, errors, requestId, stage, code, retryable, url,
                accepted);
    }

    /** Of a batch that failed part-way: the ids that were accepted all the same. */
    public Problem withAccepted(List<String> ids) {
        return new Problem(type, title, status, detail, instance, errors, requestId, stage, code, retryable, statusUrl,
                ids);
    }
}
