package io.qaflow.answer.cache;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.cache.CachedAnswer;
import java.util.Optional;

/** The answer worker's use of the shared answer cache. */
public interface AnswerCaching {

    /** No cache ({@code qaflow.cache.enabled=false}): nothing is looked up, stored or compared. */
    AnswerCaching OFF = new AnswerCaching() {
        @Override
        public Optional<CachedAnswer> find(ContextRetrieved context, String model) {
            return Optional.empty();
        }

        @Override
        public void answered(ContextRetrieved context, AnswerCompleted published, String model) {
        }
    };

    /**
     * The cached answer to the context's question when {@code model} answers it, looked up within the short Redis
     * timeout; empty on a miss and whenever the cache cannot answer.
     *
     * @throws InterruptedException when the worker stops meanwhile
     */
    Optional<CachedAnswer> find(ContextRetrieved context, String model) throws InterruptedException;

    /**
     * Follows up on an answer the broker has acknowledged, in the background: compares it with the semantic
     * candidate's cached answer when the context asks for that, and stores it when it is fresh and not degraded.
     * Never throws and never waits on Redis.
     *
     * @param model the model that answers the context when nothing fails (the cache key's model)
     */
    void answered(ContextRetrieved context, AnswerCompleted published, String model);
}
