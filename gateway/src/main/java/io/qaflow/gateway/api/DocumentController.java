package io.qaflow.gateway.api;

import static io.qaflow.gateway.api.ApiDocs.JSON;
import static io.qaflow.gateway.api.ApiDocs.PROBLEM;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.gateway.GatewayProperties;
import io.qaflow.kafka.EventPublisher.Keyed;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.kafka.PublishFailedException;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.kafka.Topics;
import io.qaflow.web.FieldError;
import io.qaflow.web.JsonBodyReader;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The corpus: documents are published to the compacted {@code qa.documents.v1}, keyed by the caller's id, where the
 * latest record per id is the document and a tombstone deletes it.
 */
@RestController
@RequestMapping("/v1/documents")
@Tag(name = "documents")
public class DocumentController {
    private static final Logger log = LoggerFactory.getLogger(DocumentController.class);
    private static final Pattern VALID_ID = Pattern.compile(DocumentInput.ID_PATTERN);

    private final JsonBodyReader reader;
    private final EventPublisher publisher;
    private final GatewayProperties properties;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public DocumentController(JsonBodyReader reader, EventPublisher publisher, GatewayProperties properties,
                              GatewayMetrics metrics, Clock clock) {
        this.reader = reader;
        this.publisher = publisher;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
    }

    @PostMapping(consumes = JSON, produces = JSON)
    @Operation(summary = "Add or replace documents",
            description = "Body: {\"documents\": [...]} (1 to 1000) or a single document object. Each is published "
                    + "keyed by its id; submitting an id again replaces that document. 202 once Kafka acknowledged "
                    + "all of them.",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = JSON,
                    schema = @Schema(oneOf = {DocumentBatch.class, DocumentInput.class}))))
    @ApiResponse(responseCode = "202", content = @Content(mediaType = JSON,
            schema = @Schema(implementation = DocumentsAccepted.class)))
    @ApiResponse(responseCode = "400", description = ApiDocs.BAD_REQUEST, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "413", description = ApiDocs.TOO_LARGE + "; or documents[i] too large to publish "
            + "(accepted: the ids published before it)", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = ApiDocs.UNAVAILABLE + " (accepted: the ids published before "
            + "the failure)", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Mono<ResponseEntity<DocumentsAccepted>> submit(ServerWebExchange exchange) {
        return reader.readTree(exchange.getRequest(), properties.maxDocumentBody().toBytes())
                .map(this::documentsOf)
                .flatMap(documents -> {
                    Instant now = clock.instant();
                    List<Keyed<DocumentSubmitted>> events = documents.stream()
                            .map(d -> new Keyed<>(d.id(), DocumentSubmitted.of(d.id(), d.title(), d.text(),
                                    d.metadataAsStrings(), now)))
                            .toList();
                    List<String> ids = documents.stream().map(DocumentInput::id).distinct().toList();
                    return Mono.fromFuture(() -> publisher.publishAll(Topics.DOCUMENTS, events), true)
                            .thenReturn(ResponseEntity.accepted().body(new DocumentsAccepted(ids)))
                            .onErrorMap(PublishFailedException.class, e -> notAllPublished(e, documents));
                });
    }

    @DeleteMapping(path = "/{*id}", produces = JSON)
    @Operation(summary = "Delete a document (publishes a tombstone for its id)")
    @ApiResponse(responseCode = "202", content = @Content(mediaType = JSON,
            schema = @Schema(implementation = DocumentDeleted.class)))
    @ApiResponse(responseCode = "400", description = "Invalid document id", content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = ApiDocs.UNAVAILABLE, content = @Content(mediaType = PROBLEM,
            schema = @Schema(implementation = Problem.class)))
    public Mono<ResponseEntity<DocumentDeleted>> delete(@PathVariable("id") String path) {
        String id = path.startsWith("/") ? path.substring(1) : path;
        if (!VALID_ID.matcher(id).matches()) {
            return Mono.error(ProblemException.invalid("id", DocumentInput.ID_RULE));
        }
        return Mono.fromFuture(() -> publisher.publish(Topics.DOCUMENTS, id, (DocumentSubmitted) null), true)
                .thenReturn(ResponseEntity.accepted().body(new DocumentDeleted(id)));
    }

    /**
     * A batch that failed part-way: the documents acknowledged before (or despite) the failure are published and
     * stay so, so the answer names them in {@code accepted} next to the document that failed. Resubmitting the whole
     * batch is safe: the same ids replace the same documents.
     */
    private ProblemException notAllPublished(PublishFailedException failure, List<DocumentInput> documents) {
        Set<String> failedIds = new HashSet<>();
        for (int i = 0; i < documents.size(); i++) {
            if (!failure.acknowledged().contains(i)) {
                failedIds.add(documents.get(i).id());
            }
        }
        List<String> accepted = documents.stream().map(DocumentInput::id).distinct()
                .filter(id -> !failedIds.contains(id)).toList();
        int failed = Math.max(0, failure.failedIndex());
        String field = "documents[" + failed + "]";
        if (failure.tooLarge()) {
            log.info("refused document {} ({}): {}", documents.get(failed).id(), field, failure.getMessage());
            return new ProblemException(Problem.of(413, "document-too-large", "Document too large",
                    field + " is larger than a Kafka record may be; shorten its text, title or metadata",
                    List.of(new FieldError(field, "is too large to publish"))).with("accepted", accepted));
        }
        log.warn("Kafka unavailable: {}", failure.getMessage());
        metrics.error("publish", "kafka_unavailable");
        HttpHeaders headers = ProblemException.retryAfter(properties.retryAfter());
        String detail = accepted.isEmpty()
                ? "Kafka did not acknowledge the documents in time; retry later"
                : "Kafka acknowledged " + accepted.size() + " of the documents (listed in accepted) but not "
                        + field + " and those after it; resubmitting them is safe";
        return new ProblemException(Problem.of(503, "service-unavailable", "Service unavailable", detail,
                List.of(new FieldError(field, "was not acknowledged")))
                .with("accepted", accepted), headers);
    }

    private List<DocumentInput> documentsOf(JsonNode body) {
        if (body.isObject() && body.has("documents")) {
            return reader.bind(body, DocumentBatch.class).documents();
        }
        return List.of(reader.bind(body, DocumentInput.class));
    }

    @Schema(name = "DocumentsAccepted", description = "The ids published, in the order given, without repeats")
    public record DocumentsAccepted(List<String> accepted) {}

    @Schema(name = "DocumentDeleted")
    public record DocumentDeleted(String deleted) {}
}
