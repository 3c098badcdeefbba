package io.qaflow.controller.api;

import io.qaflow.controller.ControllerProperties;
import io.qaflow.controller.ExperimentService;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.state.Change;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Json;
import io.qaflow.web.FieldError;
import io.qaflow.web.JsonBodyReader;
import io.qaflow.web.ProblemException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The experiment API under {@code /v1/experiments}. Bodies are the {@link ExperimentState} records exactly as they
 * are on {@code qa.experiments.v1}. The actor of a change is the {@code X-Actor} header ({@code user:<it>}), else
 * {@code user:anonymous}. Changes block on the broker's acknowledgement, so they run off the event loop.
 */
@RestController
@RequestMapping("/v1/experiments")
public class ExperimentController {
    private static final Pattern ACTOR = Pattern.compile("[A-Za-z0-9_.@:-]{1,64}");

    private final ExperimentService service;
    private final ExperimentFactory factory;
    private final PromptRegistry prompts;
    private final JsonBodyReader reader;
    private final Clock clock;
    private final long maxBody;

    public ExperimentController(ExperimentService service, ExperimentFactory factory, PromptRegistry prompts,
                                JsonBodyReader reader, Clock clock, ControllerProperties properties) {
        this.service = service;
        this.factory = factory;
        this.prompts = prompts;
        this.reader = reader;
        this.clock = clock;
        this.maxBody = properties.maxBody().toBytes();
    }

    @PostMapping
    public Mono<ResponseEntity<byte[]>> create(ServerHttpRequest request,
                                               @RequestHeader(name = "X-Actor", required = false) String actor) {
        String by = actor(actor);
        return reader.read(request, maxBody, CreateExperimentRequest.class)
                .flatMap(body -> blocking(() -> {
                    requireRegisteredPromptVersions(body);
                    return service.create(factory.draft(body, by, clock.instant()));
                }))
                .map(state -> ResponseEntity.created(URI.create("/v1/experiments/" + state.experimentId()))
                        .contentType(MediaType.APPLICATION_JSON).body(Json.MAPPER.writeValueAsBytes(state)));
    }

    @GetMapping
    public Mono<ResponseEntity<byte[]>> list(@RequestParam(name = "status", required = false) String status) {
        Optional<Status> filter = Optional.ofNullable(status).map(ExperimentController::status);
        return blocking(() -> service.list(filter)).map(ExperimentController::ok);
    }

    @GetMapping("/{id}")
    public Mono<ResponseEntity<byte[]>> get(@PathVariable("id") String id) {
        return blocking(() -> service.get(id)).map(ExperimentController::ok);
    }

    @PostMapping("/{id}/start")
    public Mono<ResponseEntity<byte[]>> start(@PathVariable("id") String id,
                                              @RequestHeader(name = "X-Actor", required = false) String actor) {
        return change(id, Change.by(actor(actor), Status.RUNNING, "started"));
    }

    @PostMapping("/{id}/pause")
    public Mono<ResponseEntity<byte[]>> pause(@PathVariable("id") String id,
                                              @RequestHeader(name = "X-Actor", required = false) String actor) {
        return change(id, Change.by(actor(actor), Status.PAUSED, "paused"));
    }

    @PostMapping("/{id}/resume")
    public Mono<ResponseEntity<byte[]>> resume(@PathVariable("id") String id,
                                               @RequestHeader(name = "X-Actor", required = false) String actor) {
        return change(id, Change.by(actor(actor), Status.RUNNING, "resumed"));
    }

    @PostMapping("/{id}/complete")
    public Mono<ResponseEntity<byte[]>> complete(@PathVariable("id") String id, ServerHttpRequest request,
                                                 @RequestHeader(name = "X-Actor", required = false) String actor) {
        String by = actor(actor);
        return reader.read(request, maxBody, CompleteRequest.class).flatMap(body -> blocking(() -> {
            ExperimentState current = service.get(id);
            if (current.variants().stream().noneMatch(a -> a.name().equals(body.winner()))) {
                throw ProblemException.invalid("winner", "must be one of the experiment's variants "
                        + current.variants().stream().map(ExperimentState.Arm::name).toList());
            }
            String conclusion = body.conclusion() != null ? body.conclusion() : body.winner() + " chosen";
            return service.transition(id, new Change(Status.COMPLETED, by, "completed: " + conclusion, null,
                    body.winner(), conclusion));
        })).map(ExperimentController::ok);
    }

    @PostMapping("/{id}/promote")
    public Mono<ResponseEntity<byte[]>> promote(@PathVariable("id") String id,
                                                @RequestHeader(name = "X-Actor", required = false) String actor) {
        return blocking(() -> service.promote(id, actor(actor), "promoted")).map(ExperimentController::ok);
    }

    @PostMapping("/{id}/rollback")
    public Mono<ResponseEntity<byte[]>> rollback(@PathVariable("id") String id, ServerHttpRequest request,
                                                 @RequestHeader(name = "X-Actor", required = false) String actor) {
        String by = actor(actor);
        return reader.read(request, maxBody, RollbackRequest.class)
                .flatMap(body -> change(id, new Change(Status.ROLLED_BACK, by, body.reason(), null, null,
                        "rolled back: " + body.reason())));
    }

    /** Every arm's version of {@code qa-answer} must be registered, else 400 naming the arm's promptVersion. */
    private void requireRegisteredPromptVersions(CreateExperimentRequest body) {
        List<FieldError> errors = new ArrayList<>();
        List<CreateExperimentRequest.ArmInput> arms = new ArrayList<>();
        arms.add(body.control());
        arms.addAll(body.treatments());
        for (int i = 0; i < arms.size(); i++) {
            String version = arms.get(i).promptVersion();
            if (!prompts.isRegistered(Variant.DEFAULT_PROMPT, version)) {
                errors.add(new FieldError(i == 0 ? "control.promptVersion" : "treatments[" + (i - 1)
                        + "].promptVersion", PromptVersion.versionKey(Variant.DEFAULT_PROMPT, version)
                        + " is not registered; register it with POST /v1/prompts first"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private Mono<ResponseEntity<byte[]>> change(String id, Change change) {
        return blocking(() -> service.transition(id, change)).map(ExperimentController::ok);
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static ResponseEntity<byte[]> ok(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.MAPPER.writeValueAsBytes(body));
    }

    static String actor(String header) {
        if (header == null || header.isBlank()) {
            return "user:anonymous";
        }
        String name = header.trim().startsWith("user:") ? header.trim().substring(5) : header.trim();
        if (!ACTOR.matcher(name).matches()) {
            throw ProblemException.invalid("X-Actor", "must be 1-64 letters, digits or . _ @ : -");
        }
        return "user:" + name;
    }

    private static Status status(String value) {
        try {
            return Status.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("status", "must be one of " + Arrays.toString(Status.values()));
        }
    }
}
