package io.qaflow.controller.api;

import io.qaflow.controller.ControllerProperties;
import io.qaflow.controller.prompt.PromptRegistry.Registration;
import io.qaflow.controller.prompt.PromptRegistry.UnknownPromptException;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.kafka.Json;
import io.qaflow.model.prompt.InvalidPromptException;
import io.qaflow.web.JsonBodyReader;
import io.qaflow.web.ProblemException;
import java.net.URI;
import java.util.concurrent.Callable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The prompt registry API under {@code /v1/prompts}: register a version (201, or 200 when the same texts were
 * registered before), make a version the default (a rollback is making the previous one the default again), list
 * names, one name's versions, one version. Writes block on the broker's acknowledgement, so they run off the event
 * loop.
 */
@RestController
@RequestMapping("/v1/prompts")
public class PromptController {
    private final PromptRegistry registry;
    private final JsonBodyReader reader;
    private final long maxBody;

    public PromptController(PromptRegistry registry, JsonBodyReader reader, ControllerProperties properties) {
        this.registry = registry;
        this.reader = reader;
        this.maxBody = properties.maxBody().toBytes();
    }

    @PostMapping
    public Mono<ResponseEntity<byte[]>> register(ServerHttpRequest request) {
        return reader.read(request, maxBody, RegisterPromptRequest.class).flatMap(body -> blocking(() -> {
            try {
                return registry.register(body.name(), body.version(), body.system(), body.user(), body.author(),
                        body.description());
            } catch (InvalidPromptException invalid) {
                throw ProblemException.invalid(TemplateProblems.fieldErrors(invalid, body.system(), body.user()));
            }
        })).map(PromptController::registered);
    }

    @PutMapping("/{name}/default")
    public Mono<ResponseEntity<byte[]>> makeDefault(@PathVariable("name") String name, ServerHttpRequest request) {
        return reader.read(request, maxBody, DefaultPromptRequest.class)
                .flatMap(body -> blocking(() -> registry.makeDefault(name, body.version(), "request")))
                .map(PromptController::ok);
    }

    @GetMapping
    public Mono<ResponseEntity<byte[]>> list() {
        return blocking(() -> registry.list().stream().map(PromptViews.Summary::of).toList())
                .map(PromptController::ok);
    }

    @GetMapping("/{name}")
    public Mono<ResponseEntity<byte[]>> get(@PathVariable("name") String name) {
        return blocking(() -> PromptViews.Detail.of(registry.find(name)
                .orElseThrow(() -> new UnknownPromptException(name, null)))).map(PromptController::ok);
    }

    @GetMapping("/{name}/{version}")
    public Mono<ResponseEntity<byte[]>> get(@PathVariable("name") String name,
                                            @PathVariable("version") String version) {
        return blocking(() -> {
            PromptVersion found = registry.find(name, version)
                    .orElseThrow(() -> new UnknownPromptException(name, version));
            return PromptViews.Version.of(found, registry.find(name).map(e -> e.defaultVersion()).orElse(null));
        }).map(PromptController::ok);
    }

    private static ResponseEntity<byte[]> registered(Registration registration) {
        PromptVersion v = registration.version();
        byte[] body = Json.MAPPER.writeValueAsBytes(PromptViews.Version.of(registration));
        ResponseEntity.BodyBuilder builder = registration.created()
                ? ResponseEntity.created(URI.create("/v1/prompts/" + v.name() + "/" + v.version()))
                : ResponseEntity.ok();
        return builder.contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static ResponseEntity<byte[]> ok(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.MAPPER.writeValueAsBytes(body));
    }
}
