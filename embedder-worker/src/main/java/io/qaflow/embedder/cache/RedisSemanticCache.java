package io.qaflow.embedder.cache;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.redis.AnswerCache;
import io.qaflow.redis.CacheProperties;
import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic cache over Redis. A question's answer context is {@link AnswerCacheKey} minus the question (corpus
 * version, prompt, answering model, topK); its candidates are the questions asked before under that context (see
 * {@link SemanticCandidates}). A lookup takes the candidates most similar to the question (cosine, the vectors being
 * unit length), at or above the threshold and other than the question itself, and returns the first whose answer is
 * in the {@link AnswerCache}. A share {@code verifySample} of those hits is answered afresh instead, naming the
 * candidate, so the answer worker can measure how often the two answers agree.
 *
 * <p>Metrics: {@code qa.cache.requests{tier=semantic,result=hit|miss|unavailable}} per lookup and
 * {@code qa.cache.semantic.similarity}, the best similarity found per lookup (with at least one candidate), so the
 * threshold can be tuned.
 */
public final class RedisSemanticCache implements SemanticCache, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisSemanticCache.class);
    static final String TIER = "semantic";
    /** Answers looked up per question at most: the best candidates may not have been answered (yet). */
    private static final int ANSWER_LOOKUPS = 3;
    private static final Duration ANSWER_LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    private final RedisAvailability redis;
    private final SemanticCandidates candidates;
    private final AnswerCache answers;
    private final PipelineVersions versions;
    private final CacheProperties.Semantic settings;
    private final RandomGenerator random;
    private final MeterRegistry registry;
    private final DistributionSummary similarity;
    private final ScheduledExecutorService refresher;

    /**
     * @param random draws which hits are verified; tests pass one that always or never does
     * @param maxOpenContexts answer contexts mirrored in memory at once
     * @param refreshInterval how often the mirrors are completed from Redis (see {@link #refresh()})
     */
    public RedisSemanticCache(RedisAvailability redis, RedissonClient redisson, AnswerCache answers,
                              PipelineVersions versions, CacheProperties properties, RandomGenerator random,
                              MeterRegistry registry, int maxOpenContexts, Duration refreshInterval) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.settings = properties.semantic();
        this.candidates = new SemanticCandidates(redis, redisson, settings.maxCandidates(), properties.answerTtl(),
                maxOpenContexts);
        this.answers = Objects.requireNonNull(answers, "answers");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.random = Objects.requireNonNull(random, "random");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.similarity = DistributionSummary.builder("qa.cache.semantic.similarity")
                .description("best cosine similarity between a question and the earlier questions of its context")
                .serviceLevelObjectives(0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0)
                .register(registry);
        redis.onRecovery(candidates::reopenAll);
        this.refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("qaflow-semantic-refresh").daemon().factory());
        long every = refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Decision lookup(QuestionAsked question, float[] vector, String corpusVersion) {
        AnswerCacheKey key = key(question, corpusVersion);
        if (key == null) {
            return Decision.MISS;
        }
        Map<String, byte[]> known = candidates.candidates(key.contextDigest());
        if (known == null) {
            count("unavailable");
            return Decision.MISS;
        }
        List<Scored> close = closest(key.normalizedQuestion(), vector, known);
        for (Scored candidate : close) {
            AnswerCache.Hit hit = answerOf(key.withQuestion(candidate.question()));
            if (hit != null) {
                count("hit");
                return random.nextDouble() < settings.verifySample()
                        ? new Decision.Verify(candidate.question(), candidate.similarity())
                        : new Decision.Serve(candidate.question(), candidate.similarity(), hit.answer(),
                        key.corpusVersion());
            }
        }
        count(redis.isAvailable() ? "miss" : "unavailable");
        return Decision.MISS;
    }

    @Override
    public void remember(QuestionAsked question, float[] vector, String corpusVersion) {
        AnswerCacheKey key = key(question, corpusVersion);
        if (key != null && !key.normalizedQuestion().isEmpty()) {
            candidates.add(key.contextDigest(), key.normalizedQuestion(), VectorBytes.encode(vector));
        }
    }

    /** Completes the mirrored contexts from Redis (also every refresh interval). */
    public void refresh() {
        try {
            candidates.refresh();
        } catch (RuntimeException e) {
            log.warn("refreshing the semantic candidates failed", e);
        }
    }

    /** Contexts currently mirrored in memory. */
    public int openContexts() {
        return candidates.openContexts();
    }

    private record Scored(String question, double similarity) {}

    /** The best candidates at or above the threshold, best first; records the best similarity seen. */
    private List<Scored> closest(String own, float[] vector, Map<String, byte[]> known) {
        double best = Double.NEGATIVE_INFINITY;
        List<Scored> above = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : known.entrySet()) {
            if (entry.getKey().equals(own)) {
                continue;
            }
            double score = VectorBytes.dot(vector, entry.getValue());
            if (Double.isNaN(score)) {
                continue;
            }
            best = Math.max(best, score);
            if (score >= settings.threshold()) {
                above.add(new Scored(entry.getKey(), score));
            }
        }
        if (best > Double.NEGATIVE_INFINITY) {
            similarity.record(best);
        }
        above.sort(Comparator.comparingDouble(Scored::similarity).reversed());
        return above.size() > ANSWER_LOOKUPS ? above.subList(0, ANSWER_LOOKUPS) : above;
    }

    private AnswerCache.Hit answerOf(AnswerCacheKey key) {
        try {
            return answers.peek(key).block(ANSWER_LOOKUP_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("looking up the cached answer of a semantic candidate failed", e);
            return null;
        }
    }

    /** The question's answer key, or null when the semantic cache is off or the answering model is unknown. */
    private AnswerCacheKey key(QuestionAsked question, String corpusVersion) {
        String model = question.variant().model();
        if (Variant.AUTO_MODEL.equals(model)) {
            model = versions.current().autoModel();
            if (model == null || model.isBlank() || Variant.AUTO_MODEL.equals(model)) {
                return null;
            }
        }
        return AnswerCacheKey.of(question.question(), corpusVersion, question.variant(), model);
    }

    private void count(String result) {
        AnswerCache.count(registry, TIER, result);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        candidates.close();
    }
}
