package io.qaflow.controller.decision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Thompson sampling over arms with a binary outcome: each arm's rate has a Beta(1 + successes, 1 + failures)
 * posterior (a uniform prior), and an arm's share of traffic is the posterior probability that it is the best arm,
 * estimated by drawing once from every posterior {@code draws} times and counting the winners. A floor keeps every arm
 * observed: share = floor + (1 - arms x floor) x P(best). Pure given the random generator.
 */
public final class ThompsonSampling {
    /** Observations of one arm on the primary metric, oriented so that a success is the good outcome. */
    public record ArmEvidence(String arm, long successes, long trials) {
        public ArmEvidence {
            if (trials < 0 || successes < 0 || successes > trials) {
                throw new IllegalArgumentException("need 0 <= successes <= trials, was " + successes + "/" + trials);
            }
        }
    }

    private ThompsonSampling() {}

    /** P(arm is best) per arm, in the order given; ties in a draw go to the earlier arm. */
    public static Map<String, Double> probabilityBest(List<ArmEvidence> arms, int draws, RandomGenerator random) {
        if (arms.isEmpty() || draws < 1) {
            throw new IllegalArgumentException("need at least one arm and one draw");
        }
        long[] wins = new long[arms.size()];
        for (int d = 0; d < draws; d++) {
            int best = 0;
            double bestValue = -1;
            for (int i = 0; i < arms.size(); i++) {
                ArmEvidence arm = arms.get(i);
                double value = beta(1 + arm.successes(), 1 + arm.trials() - arm.successes(), random);
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            wins[best]++;
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < arms.size(); i++) {
            probabilities.put(arms.get(i).arm(), wins[i] / (double) draws);
        }
        return probabilities;
    }

    /**
     * Shares summing to 1: {@code floor + (1 - n x floor) x p} for each arm's probability p.
     *
     * @throws IllegalArgumentException when n x floor is 1 or more (nothing would be left to allocate)
     */
    public static Map<String, Double> sharesWithFloor(Map<String, Double> probabilityBest, double floor) {
        int n = probabilityBest.size();
        if (!(floor > 0) || n * floor >= 1) {
            throw new IllegalArgumentException("the floor " + floor + " must be above 0 and x " + n
                    + " arms below 1 (a weight of 0 is not an allocation)");
        }
        double total = probabilityBest.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        probabilityBest.forEach((arm, p) -> shares.put(arm, floor + (1 - n * floor) * (total > 0 ? p / total : 1.0 / n)));
        return shares;
    }

    /** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
    static double beta(double a, double b, RandomGenerator random) {
        double x = gamma(a, random);
        double y = gamma(b, random);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's method for Gamma(shape, 1), shape >= 1 (always the case here: shape = 1 + count). */
    static double gamma(double shape, RandomGenerator random) {
        if (shape < 1) {
            throw new IllegalArgumentException("shape must be >= 1, was " + shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
