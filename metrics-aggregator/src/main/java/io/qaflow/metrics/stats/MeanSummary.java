package io.qaflow.metrics.stats;

/** One arm of a continuous metric: observation count, mean and sample variance (n - 1 denominator). */
public record MeanSummary(long count, double mean, double variance) {

    public MeanSummary {
        if (count < 2) {
            throw new IllegalArgumentException("count must be at least 2: " + count);
        }
        if (!(variance >= 0)) {
            throw new IllegalArgumentException("variance must be >= 0: " + variance);
        }
    }
}
