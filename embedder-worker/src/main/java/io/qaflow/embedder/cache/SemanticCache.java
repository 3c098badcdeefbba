package io.qaflow.embedder.cache;

import io.qaflow.model.QuestionAsked;
import io.qaflow.model.cache.CachedAnswer;
import java.util.Objects;

/**
 * Reuses the cached answer of an earlier question whose embedding is close enough to a new one's. The embedder asks
 * it once per embedded question before retrieval, and tells it about every question it retrieves a context for, so
 * later paraphrases can find that question's answer.
 */
public interface SemanticCache {

    /**
     * What to do with a question.
     *
     * @param corpusVersion the version of the corpus the question would be answered from now
     */
    Decision lookup(QuestionAsked question, float[] vector, String corpusVersion);

    /** Remembers a question that is answered afresh from {@code corpusVersion}, as a candidate for later ones. */
    void remember(QuestionAsked question, float[] vector, String corpusVersion);

    /** No semantic cache: every question is retrieved and answered. */
    SemanticCache OFF = new SemanticCache() {
        @Override
        public Decision lookup(QuestionAsked question, float[] vector, String corpusVersion) {
            return Decision.MISS;
        }

        @Override
        public void remember(QuestionAsked question, float[] vector, String corpusVersion) {}
    };

    sealed interface Decision {
        Decision MISS = new Miss();

        /** Retrieve and answer as usual. */
        record Miss() implements Decision {}

        /**
         * Answer with the cached answer of {@code candidate} (a normalised question) without retrieval or generation.
         *
         * @param corpusVersion the corpus version of the answer's cache key
         */
        record Serve(String candidate, double similarity, CachedAnswer answer, String corpusVersion)
                implements Decision {
            public Serve {
                Objects.requireNonNull(candidate, "candidate");
                Objects.requireNonNull(answer, "answer");
                Objects.requireNonNull(corpusVersion, "corpusVersion");
            }
        }

        /** A hit picked for checking: answer afresh and let the answer worker compare with {@code candidate}'s. */
        record Verify(String candidate, double similarity) implements Decision {
            public Verify {
                Objects.requireNonNull(candidate, "candidate");
            }
        }
    }
}
