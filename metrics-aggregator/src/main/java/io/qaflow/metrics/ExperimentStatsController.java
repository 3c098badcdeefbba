package io.qaflow.metrics;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/experiments/{id}/stats} and {@code /verdict}: interactive queries of the aggregator's state stores,
 * answered from whichever instance holds the data ({@code scope=local}: only this instance's part).
 */
@RestController
class ExperimentStatsController {
    private final RoutedQueries queries;

    ExperimentStatsController(RoutedQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/v1/experiments/{id}/stats")
    Mono<ResponseEntity<?>> stats(@PathVariable String id, @RequestParam(defaultValue = "all") String scope) {
        return answer(() -> RoutedQueries.LOCAL_SCOPE.equals(scope) ? Mono.just(queries.localStats(id))
                : queries.stats(id), "no statistics for experiment '" + id + "'");
    }

    @GetMapping("/v1/experiments/{id}/verdict")
    Mono<ResponseEntity<?>> verdict(@PathVariable String id, @RequestParam(defaultValue = "all") String scope) {
        return answer(() -> RoutedQueries.LOCAL_SCOPE.equals(scope) ? Mono.just(queries.localVerdict(id))
                : queries.verdict(id), "no verdict for experiment '" + id + "': it has no definition on "
                + "qa.experiments.v1 or no figures yet");
    }

    private static <T> Mono<ResponseEntity<?>> answer(Supplier<Mono<Optional<T>>> query, String notFound) {
        Mono<Optional<T>> result;
        try {
            result = query.get();
        } catch (InvalidStateStoreException e) {
            return Mono.just(unavailable(e));
        }
        return result.<ResponseEntity<?>>map(found -> found.<ResponseEntity<?>>map(ResponseEntity::ok)
                        .orElseGet(() -> problem(HttpStatus.NOT_FOUND, "unknown-experiment", notFound)))
                .onErrorResume(e -> e instanceof InvalidStateStoreException
                                || e instanceof CompletionException && e.getCause() instanceof InvalidStateStoreException,
                        e -> Mono.just(unavailable(e instanceof CompletionException ? e.getCause() : e)));
    }

    /** Rebalancing, restoring, stopped, or another instance out of reach: the client may retry. */
    private static ResponseEntity<ProblemDetail> unavailable(Throwable e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "stores-unavailable", e.getMessage());
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://qaflow.io/problems/" + type));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
