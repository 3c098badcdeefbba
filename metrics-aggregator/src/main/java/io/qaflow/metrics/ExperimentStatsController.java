package io.qaflow.metrics;

import java.net.URI;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/experiments/{id}/stats} and {@code /verdict}: interactive queries of the aggregator's state stores. */
@RestController
class ExperimentStatsController {
    private final ExperimentStatsQuery query;

    ExperimentStatsController(ExperimentStatsQuery query) {
        this.query = query;
    }

    @GetMapping("/v1/experiments/{id}/stats")
    ResponseEntity<?> stats(@PathVariable String id) {
        try {
            return query.stats(id).<ResponseEntity<?>>map(ResponseEntity::ok)
                    .orElseGet(() -> problem(HttpStatus.NOT_FOUND, "unknown-experiment",
                            "no statistics for experiment '" + id + "'"));
        } catch (InvalidStateStoreException e) {
            // rebalancing, restoring or stopped: the stores come back, the client may retry
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "stores-unavailable", e.getMessage());
        }
    }

    @GetMapping("/v1/experiments/{id}/verdict")
    ResponseEntity<?> verdict(@PathVariable String id) {
        try {
            return query.verdict(id).<ResponseEntity<?>>map(ResponseEntity::ok)
                    .orElseGet(() -> problem(HttpStatus.NOT_FOUND, "unknown-experiment", "no verdict for experiment '"
                            + id + "': it has no definition on qa.experiments.v1 or no figures yet"));
        } catch (InvalidStateStoreException e) {
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "stores-unavailable", e.getMessage());
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://qaflow.io/problems/" + type));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
