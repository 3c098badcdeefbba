package io.qaflow.gateway.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.redis.RedisAvailability;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** What the caches do: lookups and hit rates by tier, answers by origin, the most asked questions, warming. */
@RestController
@RequestMapping(path = "/v1/cache", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "cache")
public class CacheController {
    private static final int TOP_QUESTIONS = 10;

    private final GatewayAnswerCache answers;
    private final ObservedAnswers observed;
    private final CacheWarmer warmer;
    private final RedisAvailability redis;
    private final MeterRegistry registry;

    public CacheController(GatewayAnswerCache answers, ObservedAnswers observed, CacheWarmer warmer,
                           RedisAvailability redis, MeterRegistry registry) {
        this.answers = answers;
        this.observed = observed;
        this.warmer = warmer;
        this.redis = redis;
        this.registry = registry;
    }

    /**
     * @param lookups this replica's answer-cache lookups since start: tier to result to count, with the tier's hit rate
     * @param answers every answer read from Kafka since start (all replicas'), by origin, with the share served by a
     *        cache of any tier
     */
    public record CacheStats(boolean enabled, String redis, long memoryEntries, Map<String, TierStats> lookups,
                             AnswerOrigins answers, List<CacheWarmer.QuestionCount> topQuestions,
                             CacheWarmer.Round lastWarming) {}

    public record TierStats(Map<String, Long> results, Double hitRate) {}

    public record AnswerOrigins(long total, long exactCache, long semanticCache, long fresh, Double cachedShare) {}

    @GetMapping("/stats")
    @Operation(summary = "Cache hit rates by tier, answers by origin, most asked questions, last warming round")
    public Mono<CacheStats> stats() {
        ObservedAnswers.Counts counts = observed.counts();
        AnswerOrigins origins = new AnswerOrigins(counts.total(), counts.exact(), counts.semantic(), counts.fresh(),
                counts.total() == 0 ? null : (double) (counts.exact() + counts.semantic()) / counts.total());
        return warmer.topQuestions(TOP_QUESTIONS).onErrorReturn(List.of())
                .zipWith(warmer.lastRound().map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                .map(both -> new CacheStats(answers.enabled(), redis.state().mode().name(), answers.memorySize(),
                        lookups(), origins, both.getT1(), both.getT2().orElse(null)));
    }

    @PostMapping("/warm")
    @Operation(summary = "Run a cache-warming round now: pre-answer the most asked questions that are not cached")
    public Mono<CacheWarmer.Round> warm() {
        return warmer.warmNow();
    }

    private Map<String, TierStats> lookups() {
        Map<String, Map<String, Long>> byTier = new TreeMap<>();
        for (Counter counter : registry.find("qa.cache.requests").counters()) {
            byTier.computeIfAbsent(counter.getId().getTag("tier"), t -> new TreeMap<>())
                    .merge(counter.getId().getTag("result"), (long) counter.count(), Long::sum);
        }
        Map<String, TierStats> stats = new LinkedHashMap<>();
        byTier.forEach((tier, results) -> {
            long hits = results.getOrDefault("hit", 0L);
            long total = results.values().stream().mapToLong(Long::longValue).sum();
            stats.put(tier, new TierStats(results, total == 0 ? null : (double) hits / total));
        });
        return stats;
    }
}
