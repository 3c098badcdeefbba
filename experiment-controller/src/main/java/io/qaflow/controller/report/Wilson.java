package io.qaflow.controller.report;

/** The Wilson score interval of a binomial proportion. */
public final class Wilson {
    /** Two-sided 95%. */
    public static final double Z95 = 1.959963984540054;

    private Wilson() {}

    /** The rate {@code successes / trials} with its 95% interval; null when there were no trials. */
    public static Rate rate95(long successes, long trials) {
        return rate(successes, trials, Z95);
    }

    public static Rate rate(long successes, long trials, double z) {
        if (successes < 0 || trials < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials, got " + successes + "/" + trials);
        }
        if (trials == 0) {
            return null;
        }
        double n = trials;
        double p = successes / n;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Rate(successes, trials, p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** A proportion with its confidence interval. */
    public record Rate(long successes, long trials, double rate, double low, double high) {}
}
