package io.qaflow.controller.api;

import io.qaflow.controller.ExperimentService.AnotherExperimentRunningException;
import io.qaflow.controller.ExperimentService.NotReadyException;
import io.qaflow.controller.ExperimentService.UnknownExperimentException;
import io.qaflow.controller.ExperimentService.UnknownPromptVersionException;
import io.qaflow.kafka.PublishFailedException;
import io.qaflow.controller.prompt.PromptRegistry.UnknownPromptException;
import io.qaflow.controller.prompt.PromptRegistry.VersionConflictException;
import io.qaflow.controller.state.InvalidTransitionException;
import io.qaflow.web.FieldError;
import io.qaflow.web.RequestBodyException;
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
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every error of the controller's API as {@code application/problem+json} (RFC 9457): 400 naming the field,
 * 404 for an unknown experiment or prompt, 409 for a transition the lifecycle does not allow (naming the current
 * status), a prompt version the controller has not seen or one registered before with other texts, 503 while it is
 * not caught up or Kafka does not acknowledge.
 */
public final class ProblemExceptionHandler implements WebExceptionHandler, Ordered {
    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final JsonMapper json;

    public ProblemExceptionHandler(JsonMapper json) {
        this.json = json;
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
        Problem body = toProblem(error).at(exchange.getRequest().getPath().value());
        response.setStatusCode(HttpStatus.valueOf(body.status()));
        HttpHeaders headers = response.getHeaders();
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(json.writeValueAsBytes(body));
        return response.writeWith(Mono.just(buffer));
    }

    private Problem toProblem(Throwable error) {
        return switch (error) {
            case ProblemException problem -> problem.problem();
            case RequestBodyException body -> ProblemException.of(body).problem();
            case UnknownExperimentException unknown -> Problem.of(404, "unknown-experiment", "Unknown experiment",
                    "no experiment " + unknown.experimentId() + " is known",
                    List.of(new FieldError("id", "no such experiment"))).about(unknown.experimentId(), null);
            case InvalidTransitionException invalid -> Problem.of(409, "invalid-transition", "Invalid transition",
                    invalid.getMessage(), List.of(new FieldError("status", "is " + invalid.current()
                            + ", which cannot go to " + invalid.requested())))
                    .about(invalid.experimentId(), invalid.current().name());
            case AnotherExperimentRunningException running -> Problem.of(409, "another-experiment-running",
                    "Another experiment is running", running.getMessage(), List.of(new FieldError("status",
                            "experiment " + running.runningExperimentId() + " is RUNNING")))
                    .about(running.experimentId(), running.status());
            case UnknownPromptVersionException unknown -> Problem.of(409, "unknown-prompt-version",
                    "Unknown prompt version", unknown.getMessage(),
                    List.of(new FieldError("winner.promptVersion", "prompt version " + unknown.versionKey()
                            + " is not on the prompt topic"))).about(unknown.experimentId(), unknown.status());
            case VersionConflictException conflict -> Problem.of(409, "prompt-version-exists",
                    "Prompt version exists", conflict.getMessage(), List.of(new FieldError("version",
                            conflict.versionKey() + " is already registered with other texts")));
            case UnknownPromptException unknown -> Problem.of(404, "unknown-prompt", "Unknown prompt",
                    unknown.getMessage(), List.of(unknown.version() == null
                            ? new FieldError("name", "no prompt " + unknown.name() + " is registered")
                            : new FieldError("version", "is not a registered version of " + unknown.name())));
            case NotReadyException notReady -> Problem.of(503, "not-ready", "Service unavailable",
                    notReady.getMessage(), null);
            case PublishFailedException failed -> {
                log.warn("Kafka did not acknowledge: {}", failed.getMessage());
                yield Problem.of(503, "service-unavailable", "Service unavailable",
                        "Kafka did not acknowledge the change; it may or may not have been recorded, retry later",
                        null);
            }
            case IllegalArgumentException invalid -> Problem.of(400, "invalid-request", "Invalid request",
                    invalid.getMessage(), List.of(new FieldError("body", invalid.getMessage())));
            case DataBufferLimitException tooLarge -> Problem.of(413, "payload-too-large",
                    "Request body too large", tooLarge.getMessage(), List.of(new FieldError("body", "is too large")));
            case MethodNotAllowedException notAllowed -> fromStatus(notAllowed, "method-not-allowed",
                    List.of(new FieldError("method", notAllowed.getHttpMethod() + " is not allowed here; allowed: "
                            + notAllowed.getSupportedMethods())));
            case UnsupportedMediaTypeStatusException unsupported -> fromStatus(unsupported, "unsupported-media-type",
                    List.of(new FieldError("Content-Type", "must be one of " + unsupported.getSupportedMediaTypes())));
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
                yield Problem.of(500, "internal-error", "Internal error",
                        "the experiment controller failed unexpectedly; the error is logged", null);
            }
        };
    }

    private static Problem fromStatus(ResponseStatusException status, String slug, List<FieldError> errors) {
        HttpStatus known = HttpStatus.resolve(status.getStatusCode().value());
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status.getStatusCode().value();
        String detail = errors != null && !errors.isEmpty()
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : title;
        return Problem.of(status.getStatusCode().value(), slug, title, detail, errors);
    }
}
