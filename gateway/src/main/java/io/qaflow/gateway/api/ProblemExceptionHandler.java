package io.qaflow.gateway.api;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.kafka.PublishFailedException;
import io.qaflow.gateway.requests.UnknownRequestException;
import io.qaflow.web.FieldError;
import io.qaflow.web.RequestBodyException;
import java.time.Duration;
import java.util.List;
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
 * Renders every error of the gateway (its own, the framework's, unexpected ones) as {@code application/problem+json}
 * (RFC 9457), whatever the request's Accept header. Runs before Spring Boot's default error handler.
 */
public final class ProblemExceptionHandler implements WebExceptionHandler, Ordered {
    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final JsonMapper json;
    private final GatewayMetrics metrics;
    private final Duration retryAfter;

    public ProblemExceptionHandler(JsonMapper json, GatewayMetrics metrics, Duration retryAfter) {
        this.json = json;
        this.metrics = metrics;
        this.retryAfter = retryAfter;
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

    private ProblemException toProblem(Throwable error) {
        return switch (error) {
            case ProblemException problem -> problem;
            case RequestBodyException body -> ProblemException.of(body);
            case UnknownRequestException unknown -> ProblemException.unknownRequest(unknown.requestId());
            case PublishFailedException failed when failed.tooLarge() -> new ProblemException(Problem.of(413,
                    "payload-too-large", "Request too large", "the event is larger than a Kafka record may be",
                    List.of(new FieldError("body", "is too large to publish"))));
            case PublishFailedException failed -> {
                log.warn("Kafka unavailable: {}", failed.getMessage());
                metrics.error("publish", "kafka_unavailable");
                yield ProblemException.unavailable(failed.mayHaveBeenPublished()
                        ? "Kafka did not acknowledge the request in time; it may or may not have been recorded, "
                                + "retry later"
                        : "Kafka refused the request; nothing was accepted, retry later", retryAfter);
            }
            case DataBufferLimitException tooLarge -> new ProblemException(Problem.of(413, "payload-too-large",
                    "Request body too large", tooLarge.getMessage(), List.of(new FieldError("body", "is too large"))));
            case MethodNotAllowedException notAllowed -> fromStatus(notAllowed, "method-not-allowed",
                    List.of(new FieldError("method", notAllowed.getHttpMethod() + " is not allowed here; allowed: "
                            + notAllowed.getSupportedMethods())));
            case UnsupportedMediaTypeStatusException unsupported -> fromStatus(unsupported, "unsupported-media-type",
                    List.of(new FieldError("Content-Type", "must be one of " + unsupported.getSupportedMediaTypes()
                            + (unsupported.getContentType() != null ? ", was " + unsupported.getContentType()
                            : ", was missing"))));
            case NotAcceptableStatusException notAcceptable -> fromStatus(notAcceptable, "not-acceptable",
                    List.of(new FieldError("Accept", "must accept one of "
                            + notAcceptable.getSupportedMediaTypes())));
            case ServerWebInputException input -> fromStatus(input, "invalid-request",
                    List.of(new FieldError(input.getMethodParameter() != null
                            && input.getMethodParameter().getParameterName() != null
                            ? input.getMethodParameter().getParameterName() : "request",
                            input.getReason() != null ? input.getReason() : "is invalid")));
            case ResponseStatusException status when status.getStatusCode().value() == 404 -> fromStatus(status,
                    "not-found", List.of(new FieldError("path", "no such endpoint")));
            case ResponseStatusException status -> fromStatus(status, "http-" + status.getStatusCode().value(), null);
            default -> {
                log.error("unexpected error", error);
                yield new ProblemException(Problem.of(500, "internal-error", "Internal error",
                        "the gateway failed unexpectedly; the error is logged", null));
            }
        };
    }

    /** A framework error; its detail is the first field error (the framework's reason can leak internals). */
    private static ProblemException fromStatus(ResponseStatusException status, String slug, List<FieldError> errors) {
        HttpStatus known = HttpStatus.resolve(status.getStatusCode().value());
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status.getStatusCode().value();
        String detail = errors != null && !errors.isEmpty()
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : title;
        return new ProblemException(Problem.of(status.getStatusCode().value(), slug, title, detail, errors),
                status.getHeaders());
    }
}
