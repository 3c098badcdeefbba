package io.qaflow.gateway.cache;

import io.qaflow.model.AnswerCompleted;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every answer this replica read from {@code qa.answers.v1} (each replica reads them all), by how it was produced:
 * from the exact cache (gateway or answer worker), from the semantic cache (embedder), or fresh.
 */
public final class ObservedAnswers {
    private final LongAdder exact = new LongAdder();
    private final LongAdder semantic = new LongAdder();
    private final LongAdder fresh = new LongAdder();

    public void observed(AnswerCompleted answer) {
        if (answer.cacheHit() == AnswerCompleted.CacheHit.SEMANTIC) {
            semantic.increment();
        } else if (answer.cached()) {
            exact.increment();
        } else {
            fresh.increment();
        }
    }

    public record Counts(long total, long exact, long semantic, long fresh) {}

    public Counts counts() {
        long e = exact.sum();
        long s = semantic.sum();
        long f = fresh.sum();
        return new Counts(e + s + f, e, s, f);
    }
}
