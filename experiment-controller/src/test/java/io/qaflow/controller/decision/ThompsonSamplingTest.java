package io.qaflow.controller.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.controller.decision.ThompsonSampling.ArmEvidence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThompsonSamplingTest {

    @Test
    void betaDrawsHaveTheBetaMeanAndVariance() {
        SplittableRandom random = new SplittableRandom(1);
        int n = 200_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double x = ThompsonSampling.beta(30, 70, random);
            sum += x;
            sumSquares += x * x;
        }
        double mean = sum / n;
        double variance = sumSquares / n - mean * mean;
        assertThat(mean).isCloseTo(0.3, within(0.002));
        assertThat(variance).isCloseTo(0.3 * 0.7 / 101, within(0.0002)); // ab / ((a+b)^2 (a+b+1))
    }

    @Test
    void theProbabilityOfBeingBestFollowsTheEvidence() {
        SplittableRandom random = new SplittableRandom(2);
        Map<String, Double> clear = ThompsonSampling.probabilityBest(List.of(new ArmEvidence("a", 800, 1000),
                new ArmEvidence("b", 900, 1000)), 20_000, random);
        assertThat(clear.get("b")).isGreaterThan(0.999);

        Map<String, Double> tied = ThompsonSampling.probabilityBest(List.of(new ArmEvidence("a", 450, 500),
                new ArmEvidence("b", 450, 500)), 20_000, random);
        assertThat(tied.get("a")).isCloseTo(0.5, within(0.02));

        Map<String, Double> nothingYet = ThompsonSampling.probabilityBest(List.of(new ArmEvidence("a", 0, 0),
                new ArmEvidence("b", 0, 0), new ArmEvidence("c", 0, 0)), 30_000, random);
        assertThat(nothingYet.values()).allSatisfy(p -> assertThat(p).isCloseTo(1 / 3.0, within(0.02)));

        // a small sample leaves real doubt: 9/10 against 80/100
        Map<String, Double> uncertain = ThompsonSampling.probabilityBest(List.of(new ArmEvidence("a", 80, 100),
                new ArmEvidence("b", 9, 10)), 20_000, random);
        assertThat(uncertain.get("b")).isBetween(0.6, 0.9);
    }

    @Test
    void everyArmKeepsTheFloorAndSharesSumToOne() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("a", 0.0);
        p.put("b", 0.01);
        p.put("c", 0.99);
        Map<String, Double> shares = ThompsonSampling.sharesWithFloor(p, 0.05);
        assertThat(shares.get("a")).isCloseTo(0.05, within(1e-12));
        assertThat(shares.get("b")).isCloseTo(0.05 + 0.85 * 0.01, within(1e-12));
        assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-12));
        assertThatThrownBy(() -> ThompsonSampling.sharesWithFloor(p, 0.34))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThompsonSampling.sharesWithFloor(p, 0))
                .as("a clear loser would get weight 0, which no arm may have")
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Simulated traffic: arms with true success rates 0.70 and 0.78, 200 requests per round split by the current
     * shares, 40 rounds. The bandit ends up sending most traffic to the better arm (never less than the floor to the
     * other), and loses fewer successes than a fixed 50/50 split would.
     */
    @Test
    void aSimulatedBanditMovesTrafficToTheBetterArmAndLosesLessThanAFixedSplit() {
        double[] truth = {0.70, 0.78};
        SplittableRandom world = new SplittableRandom(3);
        long[] successes = new long[2];
        long[] trials = new long[2];
        double[] shares = {0.5, 0.5};
        long banditSuccesses = 0;
        List<Double> betterShare = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            for (int r = 0; r < 200; r++) {
                int arm = world.nextDouble() < shares[0] ? 0 : 1;
                boolean success = world.nextDouble() < truth[arm];
                trials[arm]++;
                if (success) {
                    successes[arm]++;
                    banditSuccesses++;
                }
            }
            Map<String, Double> p = ThompsonSampling.probabilityBest(List.of(
                    new ArmEvidence("a", successes[0], trials[0]), new ArmEvidence("b", successes[1], trials[1])),
                    10_000, new SplittableRandom(round));
            Map<String, Double> next = ThompsonSampling.sharesWithFloor(p, 0.05);
            shares = new double[] {next.get("a"), next.get("b")};
            betterShare.add(Math.round(shares[1] * 1000) / 1000.0);
        }
        double fixedSplitExpected = 8_000 * (truth[0] + truth[1]) / 2;
        double bestPossible = 8_000 * truth[1];
        System.out.printf("bandit: %d successes of 8000 (fixed 50/50 expects %.0f, always-best %.0f); "
                + "better arm's share by round %s%n", banditSuccesses, fixedSplitExpected, bestPossible, betterShare);
        assertThat(betterShare.getLast()).isGreaterThan(0.9).isLessThanOrEqualTo(0.95 + 1e-9);
        assertThat((double) banditSuccesses).isGreaterThan(fixedSplitExpected + 150);
        assertThat(trials[0]).as("the floor keeps the worse arm observed").isGreaterThan(200L);
    }
}
