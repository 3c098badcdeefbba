package io.qaflow.redis;

import io.qaflow.model.cache.AnswerCacheKey;

/** The Redis key names every qaflow service agrees on. */
public final class RedisKeys {
    private RedisKeys() {}

    /** One cached answer per {@link AnswerCacheKey}, JSON of {@link CachedAnswer}, with a TTL. */
    public static final String ANSWER_PREFIX = "qa:answer:";
    /** Hash of the pipeline's current versions: {@link #CORPUS_VERSION_FIELD}, {@link #AUTO_MODEL_FIELD}. */
    public static final String PIPELINE = "qa:pipeline";
    public static final String CORPUS_VERSION_FIELD = "corpus";
    public static final String AUTO_MODEL_FIELD = "auto-model";
    /** Sorted set: normalised question to how often it was asked (cache warming). */
    public static final String QUESTION_FREQUENCY = "qa:questions:frequency";
    /** A question embedding: prefix + model id + ':' + digest of the text. */
    public static final String EMBEDDING_PREFIX = "qa:embedding:";
    /** Semantic cache candidates of one answer context: prefix + {@link AnswerCacheKey#contextDigest()}. */
    public static final String SEMANTIC_PREFIX = "qa:semantic:";
    /** A request's status: prefix + request id. */
    public static final String REQUEST_PREFIX = "qa:request:";
    /** Sorted set: unfinished request ids by deadline (epoch millis), for the expiry sweep of any replica. */
    public static final String OPEN_REQUESTS = "qa:requests:open";
    public static final String IDEMPOTENCY_PREFIX = "qa:idempotency:";
    public static final String RATE_LIMIT_PREFIX = "qa:ratelimit:";
    /** Lock held by the replica running a cache-warming round. */
    public static final String WARMING_LOCK = "qa:cache:warming:lock";
    /** Hash with the last warming round's results. */
    public static final String WARMING_RESULT = "qa:cache:warming:last";

    /** The key of the cached answer to {@code key}'s question in its context. */
    public static String answer(AnswerCacheKey key) {
        return ANSWER_PREFIX + key.digest();
    }

    /** The embedding key of {@code text} under {@code modelId}. */
    public static String embedding(String modelId, String text) {
        return EMBEDDING_PREFIX + modelId + ':' + AnswerCacheKey.digestOf(text);
    }
}
