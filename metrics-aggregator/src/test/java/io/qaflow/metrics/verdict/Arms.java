package io.qaflow.metrics.verdict;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Arm summaries and experiments for the verdict tests. */
final class Arms {

    static final Instant STARTED = Instant.parse("2026-11-23T10:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private Arms() {
    }

    /** A/B experiment, control and "treatment", equal weights. */
    static ExperimentState experiment(ExperimentMetric primary, List<ExperimentState.Guardrail> guardrails) {
        return experiment(primary, guardrails, STARTED, "treatment");
    }

    static ExperimentState experiment(ExperimentMetric primary, List<ExperimentState.Guardrail> guardrails,
                                      Instant startedAt, String... treatments) {
        var arms = new java.util.ArrayList<ExperimentState.Arm>();
        arms.add(new ExperimentState.Arm("control", "1.0.0", "m", 5, 1));
        for (String treatment : treatments) {
            arms.add(new ExperimentState.Arm(treatment, "2.0.0", "m", 5, 1));
        }
        return ExperimentState.of("exp", arms, "control", ExperimentState.Status.RUNNING, startedAt, primary, 0.05,
                guardrails, NOW);
    }

    /** Requests with a success rate; no degraded answers, no feedback, no latency, no cost. */
    static ArmSummary successes(String variant, long requests, long answered) {
        return new ArmSummary(variant, requests, answered, requests - answered, 0, 0, 0, 0, 0, 0, null, 0, 0, 0);
    }

    static ArmSummary withDegraded(ArmSummary arm, long degraded) {
        return new ArmSummary(arm.variant(), arm.requests(), arm.answered(), arm.failed(), degraded, arm.feedbackUp(),
                arm.feedbackDown(), arm.latencyCount(), arm.latencyMean(), arm.latencyVariance(), arm.totalLatency(),
                arm.costCount(), arm.costMean(), arm.costVariance());
    }

    /**
     * A full arm: every metric defined. Latencies are log-normal (median {@code medianMs}, sigma 0.5) and feed the
     * sketch, the latency mean and the variance alike.
     */
    static ArmSummary full(String variant, long requests, double successRate, double medianMs, double costMean,
                           long feedbackUp, long feedbackDown, long seed) {
        long answered = Math.round(requests * successRate);
        DDSketch sketch = sketch();
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        double sumOfSquares = 0;
        for (long i = 0; i < answered; i++) {
            double latency = medianMs * Math.exp(0.5 * gaussian(random));
            sketch.accept(latency);
            sum += latency;
            sumOfSquares += latency * latency;
        }
        double mean = sum / answered;
        double variance = (sumOfSquares - answered * mean * mean) / (answered - 1);
        return new ArmSummary(variant, requests, answered, requests - answered, answered / 50, feedbackUp,
                feedbackDown, answered, mean, variance, sketch, requests, costMean, costMean * costMean / 4);
    }

    static DDSketch sketch() {
        return DDSketches.logarithmicCollapsingLowestDense(0.01, 2048);
    }

    static double gaussian(SplittableRandom random) {
        return random.nextGaussian();
    }

    static Map<String, ArmSummary> arms(ArmSummary... arms) {
        var map = new java.util.LinkedHashMap<String, ArmSummary>();
        for (ArmSummary arm : arms) {
            map.put(arm.variant(), arm);
        }
        return map;
    }
}
