package io.qaflow.metrics.stats;

import java.util.Locale;
import java.util.SplittableRandom;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.DiscreteDistribution;

/**
 * Monte Carlo check of the peeking problem on a success-rate metric: seeded A/A experiments (both arms at the same
 * rate) looked at after every block of observations per arm, comparing the always-valid {@link MixtureSprt} with a
 * naive fixed-horizon z test re-run at every look; then the same looks with a real relative effect (power).
 * Each block's successes are one binomial draw, so 2,000 experiments of 100 looks take well under a second.
 *
 * <p>{@code ./qaflow simulate aa [experiments] [seed]}
 */
public final class AaSimulation {

    /** Simulation knobs; {@link #defaults()} is what the command runs. */
    public record Settings(int experiments, long seed, double baseRate, double relativeEffect, int blockSize,
                           int maxPerArm, double mixingVariance, double alpha) {

        public static Settings defaults() {
            return new Settings(2_000, 20_240_601L, 0.8, 0.10, 100, 10_000, 0.0064, 0.05);
        }

        public Settings withExperiments(int count) {
            return new Settings(count, seed, baseRate, relativeEffect, blockSize, maxPerArm, mixingVariance, alpha);
        }

        public Settings withSeed(long newSeed) {
            return new Settings(experiments, newSeed, baseRate, relativeEffect, blockSize, maxPerArm, mixingVariance,
                    alpha);
        }

        int looks() {
            return maxPerArm / blockSize;
        }
    }

    /** A share of experiments with its exact (Clopper–Pearson) 95% interval. */
    public record Rate(int hits, int trials) {

        public double value() {
            return (double) hits / trials;
        }

        public double upper95() {
            return hits == trials ? 1 : BetaDistribution.of(hits + 1, trials - hits).inverseCumulativeProbability(0.975);
        }

        public double lower95() {
            return hits == 0 ? 0 : BetaDistribution.of(hits, trials - hits + 1).inverseCumulativeProbability(0.025);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%6.2f%%  (%d/%d, 95%% CI %.2f%%-%.2f%%)",
                    100 * value(), hits, trials, 100 * lower95(), 100 * upper95());
        }
    }

    /**
     * @param sequentialFalsePositives A/A experiments the mSPRT ever rejected
     * @param naiveFalsePositives      A/A experiments where the z test had p < alpha at some look
     * @param sequentialPower          effect experiments the mSPRT rejected by the last look
     * @param naivePower               same for the peeking z test (not a valid test: for scale only)
     * @param meanStopPerArm           mean per-arm sample size at which the mSPRT stopped, over its rejections
     * @param fixedHorizonPerArm       per-arm size a single-look z test needs for 80% power on the same effect
     */
    public record Report(Settings settings, Rate sequentialFalsePositives, Rate naiveFalsePositives,
                         Rate sequentialPower, Rate naivePower, double meanStopPerArm, long fixedHorizonPerArm) {

        public String render() {
            Settings s = settings;
            return String.join("\n",
                    String.format(Locale.ROOT, "A/A simulation: %d experiments per scenario, seed %d, success rate %.2f,"
                                    + " a look every %d per arm up to %d (%d looks), alpha %.2f, mSPRT tau^2 %.4g",
                            s.experiments(), s.seed(), s.baseRate(), s.blockSize(), s.maxPerArm(), s.looks(),
                            s.alpha(), s.mixingVariance()),
                    "A/A false-positive rate, mSPRT (always valid):     " + sequentialFalsePositives,
                    "A/A false-positive rate, naive z test every look: " + naiveFalsePositives,
                    String.format(Locale.ROOT, "power for a %.0f%% relative effect (%.2f -> %.3f), same looks:",
                            100 * s.relativeEffect(), s.baseRate(), s.baseRate() * (1 + s.relativeEffect())),
                    "  mSPRT:                                          " + sequentialPower
                            + String.format(Locale.ROOT, ", mean stop at %.0f per arm", meanStopPerArm),
                    "  naive z test (invalid, for scale):              " + naivePower,
                    "  single-look z test needs " + fixedHorizonPerArm + " per arm for 80% power");
        }
    }

    private AaSimulation() {
    }

    public static void main(String[] args) {
        Settings settings = Settings.defaults();
        if (args.length > 0) {
            settings = settings.withExperiments(Integer.parseInt(args[0]));
        }
        if (args.length > 1) {
            settings = settings.withSeed(Long.parseLong(args[1]));
        }
        long start = System.nanoTime();
        System.out.println(run(settings).render());
        System.out.printf(Locale.ROOT, "(%.1f s)%n", (System.nanoTime() - start) / 1e9);
    }

    public static Report run(Settings settings) {
        SplittableRandom root = new SplittableRandom(settings.seed());
        double treatmentRate = settings.baseRate() * (1 + settings.relativeEffect());
        int sequentialFp = 0;
        int naiveFp = 0;
        int sequentialHits = 0;
        int naiveHits = 0;
        long stopSum = 0;
        for (int i = 0; i < settings.experiments(); i++) {
            Outcome aa = experiment(settings, settings.baseRate(), root.split());
            sequentialFp += aa.sequentialStop() > 0 ? 1 : 0;
            naiveFp += aa.naiveRejected() ? 1 : 0;
            Outcome effect = experiment(settings, treatmentRate, root.split());
            if (effect.sequentialStop() > 0) {
                sequentialHits++;
                stopSum += effect.sequentialStop();
            }
            naiveHits += effect.naiveRejected() ? 1 : 0;
        }
        int n = settings.experiments();
        return new Report(settings, new Rate(sequentialFp, n), new Rate(naiveFp, n), new Rate(sequentialHits, n),
                new Rate(naiveHits, n), sequentialHits == 0 ? Double.NaN : (double) stopSum / sequentialHits,
                SampleSize.perArmForProportions(settings.baseRate(), treatmentRate - settings.baseRate()));
    }

    /** @param sequentialStop per-arm size at which the mSPRT first rejected, 0 if never */
    private record Outcome(long sequentialStop, boolean naiveRejected) {
    }

    private static Outcome experiment(Settings settings, double treatmentRate, SplittableRandom random) {
        UniformRandomProvider rng = random::nextLong;
        DiscreteDistribution.Sampler control = BinomialDistribution.of(settings.blockSize(), settings.baseRate())
                .createSampler(rng);
        DiscreteDistribution.Sampler treatment = BinomialDistribution.of(settings.blockSize(), treatmentRate)
                .createSampler(rng);
        MixtureSprt sprt = new MixtureSprt(settings.mixingVariance(), settings.alpha());
        long controlSuccesses = 0;
        long treatmentSuccesses = 0;
        long sequentialStop = 0;
        boolean naiveRejected = false;
        for (int look = 1; look <= settings.looks() && (sequentialStop == 0 || !naiveRejected); look++) {
            controlSuccesses += control.sample();
            treatmentSuccesses += treatment.sample();
            long trials = (long) look * settings.blockSize();
            ProportionSummary c = new ProportionSummary(trials, controlSuccesses);
            ProportionSummary t = new ProportionSummary(trials, treatmentSuccesses);
            if (sequentialStop == 0 && sprt.observe(c, t).rejected()) {
                sequentialStop = trials;
            }
            naiveRejected |= Comparison.twoProportions(c, t).pValue() < settings.alpha();
        }
        return new Outcome(sequentialStop, naiveRejected);
    }
}
