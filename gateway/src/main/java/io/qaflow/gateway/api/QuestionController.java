package io.qaflow.gateway.api;

import static io.qaflow.gateway.api.ApiDocs.JSON;
import static io.qaflow.gateway.api.ApiDocs.PROBLEM;

import io.qaflow.gateway.GatewayProperties;
import io.qaflow.gateway.access.Caller;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.gateway.requests.UnknownRequestException;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.model.FeedbackGiven;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.kafka.Topics;
import io.qaflow.web.FieldError;
import io.qaflow.web.JsonBodyReader;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Questions: ask and wait, submit and poll, stream status changes, rate answers. */
@RestController
@RequestMapping("/v1")
@Tag(name = "questions")
public class QuestionController {
    private final JsonBodyReader reader;
    private final QuestionIntake intake;
    private final RequestTracker tracker;
    private final EventPublisher publisher;
    private final GatewayProperties properties;
    private final Clock clock;

    public QuestionController(JsonBodyReader reader, QuestionIntake intake, RequestTracker tracker,
                              EventPublisher publisher, GatewayProperties properties, Clock clock) {
        this.reader = reader;
        this.intake = intake;
        this.tracker = tracker;
        this.publisher = publisher;
        this.properties = properties;
        this.clock = clock;
    }

    @PostMapping(path = "/ask", consumes = JSON, produces = JSON)
    @Operation(summary = "Ask a question and wait for the answer",
            description = "Waits up to timeoutMs (default qaflow.gateway.default-timeout) for the terminal status. "
                    + "200 with the answer; 202 with a status URL when the wait ends first; 502/503/504 "
                    + "problem+json when the request failed or expired.",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = JSON,
                    schema = @Schema(implementation = AskRequest.class))))
    @ApiResponse(responseCode = "200", description = "Answered",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = RequestView.class)))
    @ApiResponse(responseCode = "202", description = "Not answered within timeoutMs; poll the Location",
            headers = @Header(name = "Location", description = "/v1/requests/{id}"),
            content = @Content(mediaType = JSON, schema = @Schema(implementation = RequestView.class)))
    @ApiResponse(responseCode = "400", description = ApiDocs.BAD_REQUEST, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "413", description = ApiDocs.TOO_LARGE, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "415", description = ApiDocs.UNSUPPORTED, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "Idempotency-Key reused with another body",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "502", description = "The request failed", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = ApiDocs.UNAVAILABLE + ", or a retryable failure",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "504", description = "The request expired", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Mono<ResponseEntity<RequestView>> ask(
            ServerWebExchange exchange,
            @Parameter(in = ParameterIn.HEADER, description = "Same key and body: the same request, no new one")
            @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
        String key = IdempotencyKeys.validated(idempotencyKey);
        return reader.read(exchange.getRequest(), properties.maxQuestionBody().toBytes(), AskRequest.class)
                .flatMap(ask -> intake.accept(ask, key, apiKeyId(exchange))
                        .flatMap(accepted -> accepted.request().isTerminal()
                                ? Mono.just(answered(exchange, accepted.request()))
                                : awaitTerminal(exchange, accepted.request().requestId(), waitOf(ask))));
    }

    @PostMapping(path = "/requests", consumes = JSON, produces = JSON)
    @Operation(summary = "Submit a question; poll or stream its status",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = JSON,
                    schema = @Schema(implementation = AskRequest.class))))
    @ApiResponse(responseCode = "202", description = "Accepted (QUEUED)",
            headers = @Header(name = "Location", description = "/v1/requests/{id}"),
            content = @Content(mediaType = JSON, schema = @Schema(implementation = RequestView.class)))
    @ApiResponse(responseCode = "400", description = ApiDocs.BAD_REQUEST, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "Idempotency-Key reused with another body",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = ApiDocs.UNAVAILABLE, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Mono<ResponseEntity<RequestView>> submit(
            ServerWebExchange exchange,
            @Parameter(in = ParameterIn.HEADER, description = "Same key and body: the same request, no new one")
            @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
        String key = IdempotencyKeys.validated(idempotencyKey);
        return reader.read(exchange.getRequest(), properties.maxQuestionBody().toBytes(), AskRequest.class)
                .flatMap(ask -> intake.accept(ask, key, apiKeyId(exchange)))
                .map(accepted -> {
                    ApiMetricsFilter.outcome(exchange, accepted.replayed() ? "replayed" : "accepted");
                    return pending(accepted.request());
                });
    }

    @GetMapping(path = "/requests/{id}", produces = JSON)
    @Operation(summary = "A request's status, with the answer once ANSWERED or the error once FAILED/EXPIRED")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = JSON,
            schema = @Schema(implementation = RequestView.class)))
    @ApiResponse(responseCode = "404", description = "Unknown request", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Mono<RequestView> status(ServerWebExchange exchange, @PathVariable String id) {
        return known(exchange, id).map(RequestView::of);
    }

    @GetMapping(path = "/requests/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-sent events: the current status, then each change; ends after the terminal one",
            description = "Event name = status; data = the request as GET /v1/requests/{id} shows it.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
            schema = @Schema(implementation = RequestView.class)))
    @ApiResponse(responseCode = "404", description = "Unknown request", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Flux<ServerSentEvent<RequestView>> events(ServerWebExchange exchange, @PathVariable String id) {
        return known(exchange, id).flatMapMany(current -> tracker.follow(id)
                .take(longestWait(current))
                .map(request -> ServerSentEvent.builder(RequestView.of(request))
                        .event(request.status().name())
                        .id(String.valueOf(request.version()))
                        .build()));
    }

    @PostMapping(path = "/requests/{id}/feedback", consumes = JSON, produces = JSON)
    @Operation(summary = "Rate an answered request (publishes FeedbackGiven with the request's variant)",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = JSON,
                    schema = @Schema(implementation = FeedbackRequest.class))))
    @ApiResponse(responseCode = "202", content = @Content(mediaType = JSON,
            schema = @Schema(implementation = FeedbackAccepted.class)))
    @ApiResponse(responseCode = "400", description = ApiDocs.BAD_REQUEST, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "Unknown request", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "The request is not ANSWERED",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = ApiDocs.UNAVAILABLE, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Mono<ResponseEntity<FeedbackAccepted>> feedback(ServerWebExchange exchange, @PathVariable String id) {
        return reader.read(exchange.getRequest(), properties.maxQuestionBody().toBytes(), FeedbackRequest.class)
                .flatMap(feedback -> known(exchange, id).flatMap(request -> {
                    if (request.status() != RequestStatus.ANSWERED) {
                        return Mono.error(notAnswered(request));
                    }
                    FeedbackGiven event = FeedbackGiven.of(id, feedback.toRating(), request.userId(),
                            request.variant(), clock.instant());
                    return Mono.fromFuture(() -> publisher.publish(Topics.FEEDBACK, id, event), true)
                            .thenReturn(ResponseEntity.accepted()
                                    .body(new FeedbackAccepted(id, event.rating().name().toLowerCase(java.util.Locale.ROOT))));
                }));
    }

    /** The body of a 202 to feedback. */
    @Schema(name = "FeedbackAccepted")
    public record FeedbackAccepted(String requestId, String rating) {}

    /**
     * The request, when the caller may see it: a request made with an API key belongs to that key, and to another
     * key it is as unknown (404, so ids cannot be probed); requests made without a key (open mode) are anyone's.
     */
    private Mono<TrackedRequest> known(ServerWebExchange exchange, String id) {
        String caller = apiKeyId(exchange);
        return tracker.find(id)
                .filter(request -> request.apiKeyId() == null || caller == null || request.apiKeyId().equals(caller))
                .switchIfEmpty(Mono.error(() -> new UnknownRequestException(id)));
    }

    private Duration waitOf(AskRequest ask) {
        return ask.timeoutMs() != null ? Duration.ofMillis(ask.timeoutMs()) : properties.defaultTimeout();
    }

    private Mono<ResponseEntity<RequestView>> awaitTerminal(ServerWebExchange exchange, String id, Duration wait) {
        return tracker.follow(id)
                .filter(TrackedRequest::isTerminal)
                .next()
                .map(done -> answered(exchange, done))
                .timeout(wait, Mono.defer(() -> known(exchange, id).map(current -> {
                    ApiMetricsFilter.outcome(exchange, "pending");
                    return pending(current);
                })));
    }

    private static String apiKeyId(ServerWebExchange exchange) {
        return Caller.of(exchange).map(Caller::apiKeyId).orElse(null);
    }

    /** The response to a finished request: 200 with the answer, or the failure's problem. */
    private ResponseEntity<RequestView> answered(ServerWebExchange exchange, TrackedRequest done) {
        if (done.status() != RequestStatus.ANSWERED) {
            ApiMetricsFilter.outcome(exchange, RequestFailures.outcome(done));
            throw RequestFailures.problemFor(done, properties.retryAfter());
        }
        ApiMetricsFilter.outcome(exchange, "answered");
        return ResponseEntity.ok(RequestView.of(done));
    }

    private static ResponseEntity<RequestView> pending(TrackedRequest request) {
        return ResponseEntity.accepted()
                .location(URI.create(RequestView.statusUrl(request.requestId())))
                .body(RequestView.of(request));
    }

    /** An event stream ends at the latest shortly after the request's deadline, when the sweeper expired it. */
    private Duration longestWait(TrackedRequest request) {
        Instant end = request.deadline().plus(properties.expiryGrace()).plus(properties.sweepInterval())
                .plusSeconds(5);
        Duration left = Duration.between(clock.instant(), end);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    private static ProblemException notAnswered(TrackedRequest request) {
        return new ProblemException(Problem.of(409, "request-not-answered", "Request not answered",
                "only an ANSWERED request takes feedback; this one is " + request.status(),
                List.of(new FieldError("id", "request is " + request.status() + ", not ANSWERED")))
                .with("requestId", request.requestId()));
    }
}
