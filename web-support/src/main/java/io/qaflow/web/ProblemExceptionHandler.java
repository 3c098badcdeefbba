package io.qaflow.web;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every error of a service — its own {@link ProblemException}s, what its {@link ProblemMapper}s map, the
 * framework's, unexpected ones — as {@code application/problem+json}, whatever the request's Accept header. Runs
 * before Spring Boot's default error handler. An unexpected error is logged and answered with a 500 that says no
 * more than that.
 */
public final class ProblemExceptionHandler implements WebExceptionHandler, Ordered {
    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final JsonMapper json;
    private final String service;
    private final List<ProblemMapper> mappers;

    /**
     * @param service how a 500 names the service ("the gateway failed unexpectedly")
     */
    public ProblemExceptionHandler(JsonMapper json, String service, List<ProblemMapper> mappers) {
        this.json = json;
        this.service = service;
        this.mappers = List.copyOf(mappers);
    }

    @Override
    public int getOrder() {
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        ProblemException problem = toProblem(error);
        Problem body = problem.problem().at(exchange.getRequest().getPath().value());
        response.setStatusCode(HttpStatus.valueOf(body.status()));
        HttpHeaders headers = response.getHeaders();
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        problem.headers().forEach(headers::put);
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(json.writeValueAsBytes(body));
        return response.writeWith(Mono.just(buffer));
    }

    ProblemException toProblem(Throwable error) {
        if (error instanceof ProblemException problem) {
            return problem;
        }
        for (ProblemMapper mapper : mappers) {
            Optional<ProblemException> mapped = mapper.map(error);
            if (mapped.isPresent()) {
                return mapped.get();
            }
        }
        return switch (error) {
            case RequestBodyException body -> ProblemException.of(body);
            case DataBufferLimitException tooLarge -> new ProblemException(Problem.of(413, "payload-too-large",
                    "Request body too large", tooLarge.getMessage(), List.of(new FieldError("body", "is too large"))));
            case MethodNotAllowedException notAllowed -> fromStatus(notAllowed, "method-not-allowed",
                    new FieldError("method", notAllowed.getHttpMethod() + " is not allowed here; allowed: "
                            + notAllowed.getSupportedMethods()));
            case UnsupportedMediaTypeStatusException unsupported -> fromStatus(unsupported, "unsupported-media-type",
                    new FieldError("Content-Type", "must be one of " + unsupported.getSupportedMediaTypes()
                            + (unsupported.getContentType() != null ? ", was " + unsupported.getContentType()
                            : ", was missing")));
            case NotAcceptableStatusException notAcceptable -> fromStatus(notAcceptable, "not-acceptable",
                    new FieldError("Accept", "must accept one of " + notAcceptable.getSupportedMediaTypes()));
            case ServerWebInputException input -> fromStatus(input, "invalid-request",
                    new FieldError(input.getMethodParameter() != null
                            && input.getMethodParameter().getParameterName() != null
                            ? input.getMethodParameter().getParameterName() : "request",
                            input.getReason() != null ? input.getReason() : "is invalid"));
            case ResponseStatusException status when status.getStatusCode().value() == 404 -> fromStatus(status,
                    "not-found", new FieldError("path", "no such endpoint"));
            case ResponseStatusException status -> fromStatus(status, "http-" + status.getStatusCode().value(), null);
            default -> {
                log.error("unexpected error", error);
                yield new ProblemException(Problem.of(500, "internal-error", "Internal error",
                        "the " + service + " failed unexpectedly; the error is logged", null));
            }
        };
    }

    /** A framework error; its detail is the field error (the framework's reason can leak internals). */
    private static ProblemException fromStatus(ResponseStatusException status, String slug, FieldError error) {
        HttpStatus known = HttpStatus.resolve(status.getStatusCode().value());
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status.getStatusCode().value();
        String detail = error != null ? error.field() + ": " + error.message() : title;
        return new ProblemException(Problem.of(status.getStatusCode().value(), slug, title, detail,
                error == null ? null : List.of(error)), status.getHeaders());
    }
}
