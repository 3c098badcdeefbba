package io.qaflow.answer.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.RedisAvailability;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * The answer cache of redis-support (memory over Redis) as the answer worker uses it. Answers are keyed by
 * {@link AnswerCacheKey#of}: the question, the context's corpus version, the variant's prompt and topK, and the model
 * that answers, so the gateway finds them with the same key. Redis trouble never fails or delays an answer: a lookup
 * gives up after {@code lookupTimeout} (and at once while Redis is known to be down), writes run in the background,
 * and failures are logged at debug only; the memory level keeps serving meanwhile.
 * Writes are counted in {@code qa.cache.writes{result=redis|memory_only}}.
 */
public final class RedisAnswerCaching implements AnswerCaching {
    private static final Logger log = LoggerFactory.getLogger(RedisAnswerCaching.class);

    private final AnswerCache cache;
    private final RedisAvailability redis;
    private final SemanticVerifications verifications;
    private final Duration lookupTimeout;
    private final MeterRegistry registry;

    public RedisAnswerCaching(AnswerCache cache, RedisAvailability redis, SemanticVerifications verifications,
                              Duration lookupTimeout, MeterRegistry registry) {
        this.cache = cache;
        this.redis = redis;
        this.verifications = verifications;
        this.lookupTimeout = lookupTimeout;
        this.registry = registry;
    }

    @Override
    public Optional<CachedAnswer> find(ContextRetrieved context, String model) throws InterruptedException {
        try {
            return cache.find(key(context, model))
                    .timeout(lookupTimeout)
                    .map(AnswerCache.Hit::answer)
                    // an entry no answer can be made of counts as a miss: the model answers instead
                    .filter(cached -> !cached.answer().isBlank() && !cached.model().isBlank())
                    .onErrorResume(e -> {
                        log.debug("answer cache lookup for request {} failed: {}", context.requestId(), e.toString());
                        return Mono.empty();
                    })
                    .blockOptional();
        } catch (RuntimeException e) {
            if (Exceptions.unwrap(e) instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the worker is stopping");
            }
            log.debug("answer cache lookup for request {} failed", context.requestId(), e);
            return Optional.empty();
        }
    }

    @Override
    public void answered(ContextRetrieved context, AnswerCompleted published, String model) {
        try {
            AnswerCacheKey key = key(context, model);
            Mono<Void> verification = context.semanticCandidate() == null
                    ? Mono.empty()
                    : verify(key.withQuestion(context.semanticCandidate()), published);
            boolean storable = !published.cached() && !published.degraded() && model.equals(published.model());
            // the comparison reads before this answer is stored: a candidate equal to the question must not be
            // compared with the answer itself
            verification
                    .then(Mono.defer(() -> storable ? store(key, cachedAnswer(context, published)) : Mono.empty()))
                    .subscribe(null, e -> log.debug("caching the answer to request {} failed",
                            context.requestId(), e));
        } catch (RuntimeException e) {
            log.debug("caching the answer to request {} failed", context.requestId(), e);
        }
    }

    private Mono<Void> verify(AnswerCacheKey candidate, AnswerCompleted fresh) {
        if (fresh.degraded()) {
            verifications.record(SemanticVerifications.Result.SKIPPED);
            return Mono.empty();
        }
        return cache.peek(candidate)
                .map(hit -> AnswerAgreement.agree(hit.answer().answer(), fresh.answer())
                        ? SemanticVerifications.Result.AGREE
                        : SemanticVerifications.Result.DISAGREE)
                .defaultIfEmpty(SemanticVerifications.Result.MISSING)
                .onErrorReturn(SemanticVerifications.Result.MISSING)
                .doOnNext(verifications::record)
                .then();
    }

    private Mono<Void> store(AnswerCacheKey key, CachedAnswer answer) {
        return cache.put(key, answer)
                .then(Mono.fromRunnable(() -> countWrite(redis.isAvailable() ? "redis" : "memory_only")));
    }

    private void countWrite(String result) {
        Counter.builder("qa.cache.writes")
                .description("Answers stored in the answer cache: in Redis too, or in this replica's memory only")
                .tag("result", result)
                .register(registry)
                .increment();
    }

    private static AnswerCacheKey key(ContextRetrieved context, String model) {
        return AnswerCacheKey.of(context.question(), context.corpusVersion(), context.variant(), model);
    }

    private static CachedAnswer cachedAnswer(ContextRetrieved context, AnswerCompleted answer) {
        return new CachedAnswer(context.question(), answer.answer(), answer.sources(), answer.model(), answer.usage(),
                answer.costUsd(), context.corpusVersion(), context.variant().promptVersion(), answer.occurredAt(),
                answer.requestId());
    }
}
