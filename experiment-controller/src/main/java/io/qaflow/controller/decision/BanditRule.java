package io.qaflow.controller.decision;

import io.qaflow.controller.decision.ThompsonSampling.ArmEvidence;
import io.qaflow.controller.state.ExperimentTransitions;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Lifecycle;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.Transition;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import io.qaflow.model.ExperimentVerdict.TreatmentVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The allocation of a RUNNING experiment in {@code BANDIT} mode after a verdict ({@code rule:bandit}): Thompson
 * sampling on the primary metric (a rate: success, degraded or positive-feedback rate; a success is the good
 * outcome), every arm keeping the experiment's floor. The verdict's cumulative counts per arm are the evidence. Nothing
 * changes unless some arm's share moves by at least {@link Settings#minShift} and the last reallocation is at least
 * {@link Settings#interval} old, so the experiment's record (and its audit trail) grows slowly. The draws are seeded
 * by the verdict's id: the same verdict always gives the same shares. Pure.
 */
public final class BanditRule {
    public static final String ACTOR = "rule:bandit";
    public static final double DEFAULT_FLOOR = 0.05;

    /**
     * The defaults are in {@code ControllerProperties.BanditSettings}.
     *
     * @param interval least time between two reallocations of one experiment
     * @param minShift least change of some arm's share (0.02 = two percentage points) worth a reallocation
     * @param draws Monte Carlo draws per estimate of P(best)
     */
    public record Settings(Duration interval, double minShift, int draws) {}

    /** New weights (shares summing to 1, by arm name), with the sentence and figures for the audit trail. */
    public record Reallocation(Map<String, Double> weights, String reason, Map<String, Double> figures) {}

    private BanditRule() {}

    public static Optional<Reallocation> reallocate(ExperimentState state, ExperimentVerdict verdict, Instant now,
                                                    Settings settings) {
        Lifecycle lifecycle = ExperimentTransitions.lifecycleOf(state);
        if (!lifecycle.isBandit() || state.status() != Status.RUNNING || !state.primaryMetric().isRate()
                || !state.experimentId().equals(verdict.experimentId())
                || !verdict.startedAt().equals(state.startedAt())
                || DecisionRules.predatesLastTransition(state, verdict)
                || reallocatedWithin(lifecycle, now, settings.interval())) {
            return Optional.empty();
        }
        List<ArmEvidence> evidence = evidence(state, verdict);
        if (evidence.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Double> pBest = ThompsonSampling.probabilityBest(evidence, settings.draws(),
                new SplittableRandom(verdict.eventId().hashCode()));
        double floor = lifecycle.banditFloor() == null ? DEFAULT_FLOOR : lifecycle.banditFloor();
        Map<String, Double> shares = ThompsonSampling.sharesWithFloor(pBest, floor);
        double largestShift = 0;
        for (Arm arm : state.variants()) {
            largestShift = Math.max(largestShift, Math.abs(shares.get(arm.name()) - state.allocation(arm.name())));
        }
        if (largestShift < settings.minShift()) {
            return Optional.empty();
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (ArmEvidence arm : evidence) {
            String name = arm.arm();
            figures.put(name + ".successes", (double) arm.successes());
            figures.put(name + ".trials", (double) arm.trials());
            figures.put(name + ".p_best", pBest.get(name));
            figures.put(name + ".previous_share", state.allocation(name));
            figures.put(name + ".share", shares.get(name));
            parts.add(String.format(Locale.ROOT, "%s %d/%d, P(best) %.3f, share %.3f -> %.3f", name, arm.successes(),
                    arm.trials(), pBest.get(name), state.allocation(name), shares.get(name)));
        }
        String reason = String.format(Locale.ROOT, "Thompson sampling on %s (floor %.3f): %s",
                DecisionRules.name(state.primaryMetric()), floor, String.join("; ", parts));
        return Optional.of(new Reallocation(shares, reason, figures));
    }

    private static boolean reallocatedWithin(Lifecycle lifecycle, Instant now, Duration interval) {
        for (int i = lifecycle.audit().size() - 1; i >= 0; i--) {
            Transition t = lifecycle.audit().get(i);
            if (ACTOR.equals(t.actor())) {
                return t.at().plus(interval).isAfter(now);
            }
        }
        return false;
    }

    /**
     * Successes and trials per arm from the verdict's primary-metric comparisons (the control's from the first
     * treatment that has it), in the order of the experiment's arms; empty when the verdict lacks an arm.
     */
    static List<ArmEvidence> evidence(ExperimentState state, ExperimentVerdict verdict) {
        ExperimentMetric metric = state.primaryMetric();
        Map<String, ArmEvidence> byArm = new LinkedHashMap<>();
        for (TreatmentVerdict treatment : verdict.treatments()) {
            MetricVerdict m = treatment.metric(metric);
            if (m == null) {
                continue;
            }
            byArm.put(treatment.variant(), evidence(treatment.variant(), m.treatmentValue(), m.treatmentCount(),
                    metric));
            byArm.putIfAbsent(state.controlVariant(), evidence(state.controlVariant(), m.controlValue(),
                    m.controlCount(), metric));
        }
        List<ArmEvidence> ordered = new ArrayList<>();
        for (Arm arm : state.variants()) {
            ArmEvidence e = byArm.get(arm.name());
            if (e == null) {
                return List.of();
            }
            ordered.add(e);
        }
        return ordered;
    }

    private static ArmEvidence evidence(String arm, Double rate, long count, ExperimentMetric metric) {
        if (rate == null || count == 0) {
            return new ArmEvidence(arm, 0, 0);
        }
        long hits = Math.clamp(Math.round(rate * count), 0, count);
        return new ArmEvidence(arm, metric.higherIsBetter() ? hits : count - hits, count);
    }
}
