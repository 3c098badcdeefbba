package io.qaflow.gateway.cache;

import io.qaflow.gateway.api.AskRequest;
import io.qaflow.gateway.api.QuestionIntake;
import io.qaflow.model.Variant;
import io.qaflow.redis.RedisKeys;
import io.qaflow.model.kafka.Json;
import io.qaflow.redis.RedisAvailability;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pre-answers the most asked questions whose answers are not cached (a new corpus or prompt version, an expired
 * entry): every {@code interval} one replica (a Redis lock per interval) takes the top N of the question frequency
 * set and submits those not cached under the default variant through the normal intake, as user
 * {@value #WARMER_USER} (not counted as asked); the answer workers then cache them. A question submitted by this
 * replica that is still not cached is left alone for six intervals. The frequency set keeps the
 * {@value #MAX_TRACKED_QUESTIONS} most asked questions. Each round's result is kept in Redis for
 * {@code GET /v1/cache/stats} on any replica.
 */
public final class CacheWarmer implements SmartLifecycle {
    public static final String WARMER_USER = "qaflow-cache-warmer";
    private static final Logger log = LoggerFactory.getLogger(CacheWarmer.class);

    /** Most distinct questions the frequency set keeps (the least asked are trimmed after each round). */
    static final int MAX_TRACKED_QUESTIONS = 10_000;

    /**
     * One warming round.
     *
     * @param skipped questions not submitted: no cache key yet (no corpus version or auto model published), or
     *        submitted recently and still not cached (an answer that is never stored, e.g. degraded, is not retried
     *        every round)
     */
    public record Round(Instant startedAt, Instant finishedAt, int considered, int alreadyCached, int submitted,
                        int skipped, int failed, List<String> submittedQuestions) {}

    private final GatewayAnswerCache answers;
    private final QuestionIntake intake;
    private final RedisAvailability redis;
    private final Duration interval;
    private final int topN;
    private final String instanceId;
    private final Clock clock;
    private final Map<String, Instant> recentlySubmitted = new ConcurrentHashMap<>();
    private volatile Round last;
    private ScheduledExecutorService scheduler;

    public CacheWarmer(GatewayAnswerCache answers, QuestionIntake intake, RedisAvailability redis, Duration interval,
                       int topN, String instanceId, Clock clock) {
        this.answers = answers;
        this.intake = intake;
        this.redis = redis;
        this.interval = interval;
        this.topN = topN;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /** The most asked questions (normalised) with their counts, most asked first. */
    public Mono<List<QuestionCount>> topQuestions(int count) {
        return redis.call("frequency-top", () -> redis.client().<String>getScoredSortedSet(
                        RedisKeys.QUESTION_FREQUENCY, StringCodec.INSTANCE).entryRangeReversed(0, count - 1))
                .map(entries -> entries.stream()
                        .map(e -> new QuestionCount(e.getValue(), Math.round(e.getScore()))).toList());
    }

    public record QuestionCount(String question, long count) {}

    /** The last round run by any replica, when Redis knows it, else by this one. */
    public Mono<Round> lastRound() {
        return redis.call("warming-last", () -> redis.client().<String>getBucket(RedisKeys.WARMING_RESULT,
                        StringCodec.INSTANCE).get())
                .map(json -> Json.MAPPER.readValue(json, Round.class))
                .onErrorResume(e -> Mono.empty())
                .switchIfEmpty(Mono.justOrEmpty(last));
    }

    /** Runs a round now, whichever replica ran the last one. */
    public Mono<Round> warmNow() {
        Instant started = clock.instant();
        recentlySubmitted.values().removeIf(at -> at.isBefore(started.minus(resubmitAfter())));
        return topQuestions(topN)
                .flatMapMany(Flux::fromIterable)
                .concatMap(top -> warm(top.question()))
                .collectList()
                .map(outcomes -> {
                    List<String> submitted = new ArrayList<>();
                    int cached = 0;
                    int skipped = 0;
                    int failed = 0;
                    for (Outcome outcome : outcomes) {
                        switch (outcome.kind()) {
                            case CACHED -> cached++;
                            case SUBMITTED -> submitted.add(outcome.question());
                            case SKIPPED -> skipped++;
                            case FAILED -> failed++;
                        }
                    }
                    return new Round(started, clock.instant(), outcomes.size(), cached, submitted.size(), skipped,
                            failed, submitted);
                })
                .flatMap(round -> {
                    last = round;
                    return redis.call("warming-save", () -> redis.client().<String>getBucket(
                                    RedisKeys.WARMING_RESULT, StringCodec.INSTANCE)
                                    .set(Json.MAPPER.writeValueAsString(round)))
                            .then(redis.call("frequency-trim", () -> redis.client().<String>getScoredSortedSet(
                                    RedisKeys.QUESTION_FREQUENCY, StringCodec.INSTANCE)
                                    .removeRangeByRank(0, -MAX_TRACKED_QUESTIONS - 1)))
                            .onErrorResume(e -> Mono.empty())
                            .thenReturn(round);
                });
    }

    private enum Kind { CACHED, SUBMITTED, SKIPPED, FAILED }

    private record Outcome(String question, Kind kind) {}

    private Mono<Outcome> warm(String question) {
        Variant variant = Variant.defaults(Variant.DEFAULT_TOP_K);
        if (answers.keyFor(question, variant).isEmpty()) {
            return Mono.just(new Outcome(question, Kind.SKIPPED));
        }
        return answers.isCached(question, variant)
                .flatMap(cached -> {
                    if (cached) {
                        return Mono.just(new Outcome(question, Kind.CACHED));
                    }
                    if (recentlySubmitted.containsKey(question)) {
                        return Mono.just(new Outcome(question, Kind.SKIPPED));
                    }
                    recentlySubmitted.put(question, clock.instant());
                    return intake.acceptUncached(new AskRequest(question, WARMER_USER, null, null))
                            .thenReturn(new Outcome(question, Kind.SUBMITTED));
                })
                .onErrorResume(e -> {
                    log.debug("warming '{}' failed: {}", question, e.toString());
                    return Mono.just(new Outcome(question, Kind.FAILED));
                });
    }

    /** How long a submitted question that is still not cached is left alone. */
    private Duration resubmitAfter() {
        return interval.isZero() ? Duration.ofMinutes(30) : interval.multipliedBy(6);
    }

    /** One replica per interval: the lock expires with the interval and is never released early. */
    private void scheduledRound() {
        if (!redis.isAvailable() || !answers.enabled()) {
            return;
        }
        try {
            Boolean mine = redis.call("warming-lock", () -> redis.client().<String>getBucket(RedisKeys.WARMING_LOCK,
                    StringCodec.INSTANCE).setIfAbsent(instanceId, lockTtl())).block();
            if (Boolean.TRUE.equals(mine)) {
                Round round = warmNow().block();
                if (round != null && round.submitted() > 0) {
                    log.info("cache warming: {} of the top {} questions submitted, {} already cached, {} failed",
                            round.submitted(), round.considered(), round.alreadyCached(), round.failed());
                }
            }
        } catch (RuntimeException e) {
            log.debug("cache warming skipped: {}", e.toString());
        }
    }

    private Duration lockTtl() {
        Duration ttl = interval.minusMillis(100);
        return ttl.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : ttl;
    }

    @Override
    public void start() {
        if (interval.isZero()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("cache-warmer").daemon()
                .factory());
        scheduler.scheduleWithFixedDelay(this::scheduledRound, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
