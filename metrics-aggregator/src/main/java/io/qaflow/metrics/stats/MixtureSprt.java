package io.qaflow.metrics.stats;

/**
 * Always-valid sequential test of "no difference" between two arms: the normal-mixture sequential probability ratio
 * test (mSPRT) of Johari, Koomen, Pekelis and Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests",
 * Operations Research 70(3), 2022 (arXiv:1512.04922), with the matching Gaussian-mixture confidence sequence of
 * Howard, Ramdas, McAuliffe and Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences",
 * Annals of Statistics 49(2), 2021. The p-value and interval may be read after every observation, and stopping
 * whenever p <= alpha keeps the false-positive rate at or below alpha.
 *
 * <p>With the estimate {@code d = mean_T - mean_C}, its variance {@code V = s_T^2/n_T + s_C^2/n_C} (known-variance
 * plug-in: the current sample variances, or p(1-p) for rates) and mixing distribution N(0, tau^2) over the true
 * difference, the mixture likelihood ratio against d = 0 is
 * <pre>
 *   Lambda_n = sqrt(V / (V + tau^2)) * exp( tau^2 d^2 / (2 V (V + tau^2)) )
 * </pre>
 * (for equal arms n this is the paper's sqrt(s^2/(s^2 + n tau^2)) exp(n^2 tau^2 d^2 / (2 s^2 (s^2 + n tau^2)))
 * with s^2 = s_T^2 + s_C^2). The always-valid p-value is p_n = min(p_{n-1}, 1/Lambda_n), p_0 = 1, and the
 * (1 - alpha) confidence sequence is the running intersection of
 * <pre>
 *   d +- sqrt( V (V + tau^2) / tau^2 * ( log((V + tau^2) / V) - 2 log alpha ) )
 * </pre>
 * i.e. the set of differences the test would not reject at this look. The guarantee is exact for Gaussian data
 * with known variances and equal (or fixed-ratio) allocation; with plug-in variances it is asymptotic, so the first
 * looks should not be tiny (e.g. at least 100 per arm). {@code tau^2} should be of the order of the squared effect
 * one hopes to detect: smaller values favour small effects at large samples.
 *
 * <p>Holds the running state of one comparison; not thread-safe.
 */
public final class MixtureSprt {

    private final double mixingVariance;
    private final double alpha;
    private double pValue = 1;
    private Interval confidenceSequence = Interval.UNBOUNDED;

    /**
     * @param mixingVariance tau^2, variance of the normal mixture over the true difference, > 0
     * @param alpha          the level at which {@link SequentialResult#rejected()} turns true and of the sequence
     */
    public MixtureSprt(double mixingVariance, double alpha) {
        if (!(mixingVariance > 0) || !(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("need tau^2 > 0 and alpha in (0, 1)");
        }
        this.mixingVariance = mixingVariance;
        this.alpha = alpha;
    }

    /** log Lambda_n for an estimate with variance V; 0 (no evidence) when V is 0. */
    public static double logLikelihoodRatio(double difference, double varianceOfDifference, double mixingVariance) {
        if (!(varianceOfDifference > 0)) {
            return 0;
        }
        double total = varianceOfDifference + mixingVariance;
        return 0.5 * Math.log(varianceOfDifference / total)
                + mixingVariance * difference * difference / (2 * varianceOfDifference * total);
    }

    /** Half-width of the (1 - alpha) confidence sequence interval for an estimate with variance V. */
    public static double halfWidth(double varianceOfDifference, double mixingVariance, double alpha) {
        if (!(varianceOfDifference > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double total = varianceOfDifference + mixingVariance;
        return Math.sqrt(varianceOfDifference * total / mixingVariance
                * (Math.log(total / varianceOfDifference) - 2 * Math.log(alpha)));
    }

    /** One look at a success rate: V from the observed rates p(1-p)/n per arm. */
    public SequentialResult observe(ProportionSummary control, ProportionSummary treatment) {
        return observe(treatment.rate() - control.rate(),
                control.bernoulliVariance() / control.trials() + treatment.bernoulliVariance() / treatment.trials());
    }

    /** One look at a mean: V from the sample variances. */
    public SequentialResult observe(MeanSummary control, MeanSummary treatment) {
        return observe(treatment.mean() - control.mean(),
                control.variance() / control.count() + treatment.variance() / treatment.count());
    }

    /** One look at an estimate {@code difference} whose variance is {@code varianceOfDifference}. */
    public SequentialResult observe(double difference, double varianceOfDifference) {
        double logLambda = logLikelihoodRatio(difference, varianceOfDifference, mixingVariance);
        pValue = Math.min(pValue, Math.min(1, Math.exp(-logLambda)));
        double half = halfWidth(varianceOfDifference, mixingVariance, alpha);
        if (Double.isFinite(half)) {
            confidenceSequence = confidenceSequence.intersect(Interval.around(difference, half));
        }
        return new SequentialResult(difference, Math.exp(logLambda), pValue, confidenceSequence, pValue <= alpha);
    }

    public double pValue() {
        return pValue;
    }

    public Interval confidenceSequence() {
        return confidenceSequence;
    }
}
