package io.qaflow.metrics;

import io.qaflow.web.FieldError;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
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
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final RoutedQueries queries;

    ExperimentStatsController(RoutedQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/v1/experiments/{id}/stats")
    Mono<?> stats(@PathVariable String id, @RequestParam(defaultValue = "all") String scope) {
        return answer(() -> RoutedQueries.LOCAL_SCOPE.equals(scope) ? Mono.just(queries.localStats(id))
                : queries.stats(id), id, "no statistics for experiment '" + id + "'");
    }

    @GetMapping("/v1/experiments/{id}/verdict")
    Mono<?> verdict(@PathVariable String id, @RequestParam(defaultValue = "all") String scope) {
        return answer(() -> RoutedQueries.LOCAL_SCOPE.equals(scope) ? Mono.just(queries.localVerdict(id))
                : queries.verdict(id), id, "no verdict for experiment '" + id + "': it has no definition on "
                + "qa.experiments.v1 or no figures yet");
    }

    private static <T> Mono<T> answer(Supplier<Mono<Optional<T>>> query, String id, String notFound) {
        Mono<Optional<T>> result;
        try {
            result = query.get();
        } catch (InvalidStateStoreException e) {
            return Mono.error(unavailable(e));
        }
        ProblemException unknown = new ProblemException(Problem.of(404, "unknown-experiment", "Unknown experiment",
                notFound, List.of(new FieldError("id", "no figures for this experiment"))).with("experimentId", id));
        return result.flatMap(found -> found.map(Mono::just).orElseGet(() -> Mono.error(unknown)))
                .onErrorMap(e -> e instanceof InvalidStateStoreException
                                || e instanceof CompletionException && e.getCause() instanceof InvalidStateStoreException,
                        e -> unavailable(e instanceof CompletionException ? e.getCause() : e));
    }

    /** Rebalancing, restoring, stopped, or another instance out of reach: the client may retry. */
    private static ProblemException unavailable(Throwable e) {
        return ProblemException.unavailable("stores-unavailable", e.getMessage(), RETRY_AFTER);
    }
}
