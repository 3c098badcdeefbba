package io.qaflow.metrics.stats;

/** One arm of a success-rate metric. */
public record ProportionSummary(long trials, long successes) {

    public ProportionSummary {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials, trials >= 1: " + successes + "/" + trials);
        }
    }

    public double rate() {
        return (double) successes / trials;
    }

    /** Bernoulli variance p(1 - p) of one trial at the observed rate. */
    public double bernoulliVariance() {
        double p = rate();
        return p * (1 - p);
    }
}
