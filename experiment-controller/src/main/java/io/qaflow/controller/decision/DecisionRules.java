package io.qaflow.controller.decision;

import io.qaflow.controller.state.Change;
import io.qaflow.controller.state.ExperimentTransitions;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Transition;
import io.qaflow.model.ExperimentState.Lifecycle;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.SuccessCriteria;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import io.qaflow.model.ExperimentVerdict.TreatmentVerdict;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a verdict of the metrics aggregator makes the controller do with a RUNNING experiment, in this order: a
 * treatment that breached a guardrail rolls the experiment back ({@code rule:guardrail}); a sample-ratio mismatch in
 * this verdict and in the one before it pauses it ({@code rule:srm}; one alone can be counts caught mid-flight, one
 * arm's answers counted before the other's); a treatment significantly better on the primary metric that meets the success
 * criteria, with at least the target sample size in both its arm and the control's, completes it with that winner
 * ({@code rule:success}; the best improvement wins among several). Anything else changes nothing. In BANDIT mode
 * there is no SRM rule (the observed split follows the bandit); {@link BanditRule} moves the weights. Pure.
 */
public final class DecisionRules {
    public static final String GUARDRAIL = "rule:guardrail";
    public static final String SRM = "rule:srm";
    public static final String SUCCESS = "rule:success";

    private DecisionRules() {}

    /** As {@link #decide(ExperimentState, ExperimentVerdict, ExperimentVerdict)} without an earlier verdict. */
    public static Optional<Change> decide(ExperimentState state, ExperimentVerdict verdict) {
        return decide(state, verdict, null);
    }

    /**
     * @param previous the verdict on this experiment consumed before {@code verdict}, or null; a sample-ratio mismatch
     *     pauses only when it shows in both (and both are of this run, computed after the last transition)
     */
    public static Optional<Change> decide(ExperimentState state, ExperimentVerdict verdict,
                                          ExperimentVerdict previous) {
        if (state.status() != Status.RUNNING || !state.experimentId().equals(verdict.experimentId())
                || verdict.startedAt().isBefore(state.startedAt()) || predatesLastTransition(state, verdict)) {
            return Optional.empty(); // not running, a verdict on an earlier run, or computed before the last change
        }
        for (TreatmentVerdict treatment : verdict.treatments()) {
            if (treatment.decision() == Decision.GUARDRAIL_BREACH) {
                return Optional.of(rollBack(state, treatment));
            }
        }
        // in BANDIT mode the split follows the bandit, not fixed weights: a mismatch is expected, not an alert
        if (hasSrmAlert(verdict) && !ExperimentTransitions.lifecycleOf(state).isBandit()
                && !resumedByAPersonAfterAnSrmPause(state)) {
            boolean confirmed = hasSrmAlert(previous) && previous.startedAt().equals(state.startedAt())
                    && previous.occurredAt().isBefore(verdict.occurredAt()) && !predatesLastTransition(state, previous);
            if (!confirmed) {
                return Optional.empty(); // no comparison can be trusted; the next verdict confirms the mismatch or not
            }
            TreatmentVerdict alerted = verdict.treatments().stream()
                    .filter(t -> t.decision() == Decision.SRM_ALERT).findFirst().orElseThrow();
            return Optional.of(pause(verdict, alerted));
        }
        return winner(state, verdict);
    }

    private static boolean hasSrmAlert(ExperimentVerdict verdict) {
        return verdict != null && verdict.treatments().stream().anyMatch(t -> t.decision() == Decision.SRM_ALERT);
    }

    /** A verdict computed before the experiment's last transition describes a state a person or rule has acted on. */
    static boolean predatesLastTransition(ExperimentState state, ExperimentVerdict verdict) {
        List<Transition> audit = ExperimentTransitions.lifecycleOf(state).audit();
        return !audit.isEmpty() && verdict.occurredAt().isBefore(audit.getLast().at());
    }

    /**
     * The sample-ratio figures count from startedAt and nothing flows while paused, so the mismatch that paused an
     * experiment is still in every later verdict: once a person resumed it after an SRM pause they have taken the
     * alert into account, and it is not raised again for this run (the guardrails and the win rule still apply).
     */
    static boolean resumedByAPersonAfterAnSrmPause(ExperimentState state) {
        List<Transition> audit = ExperimentTransitions.lifecycleOf(state).audit();
        for (int i = audit.size() - 1; i >= 0; i--) {
            Transition t = audit.get(i);
            if (SRM.equals(t.actor()) && t.to() == Status.PAUSED) {
                return audit.subList(i + 1, audit.size()).stream()
                        .anyMatch(later -> later.to() == Status.RUNNING && !later.actor().startsWith("rule:"));
            }
        }
        return false;
    }

    private static Change rollBack(ExperimentState state, TreatmentVerdict treatment) {
        List<MetricVerdict> breached = treatment.metrics().stream().filter(MetricVerdict::guardrailBreached).toList();
        if (breached.isEmpty()) { // the decision without a flagged metric: show the primary metric's figures
            MetricVerdict primary = treatment.metric(state.primaryMetric());
            breached = primary == null ? List.of() : List.of(primary);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        StringBuilder reason = new StringBuilder("treatment '").append(treatment.variant())
                .append("' breached a guardrail");
        for (MetricVerdict metric : breached) {
            putFigures(figures, treatment.variant(), metric);
            reason.append("; ").append(describe(metric));
        }
        reason.append(" (aggregator: ").append(treatment.reason()).append(')');
        return new Change(Status.ROLLED_BACK, GUARDRAIL, reason.toString(), figures, null,
                "rolled back: treatment " + treatment.variant() + " breached a guardrail; traffic back to control");
    }

    private static Change pause(ExperimentVerdict verdict, TreatmentVerdict treatment) {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (verdict.srmPValue() != null) {
            figures.put("srm.p", verdict.srmPValue());
        }
        verdict.observedRequests().forEach((variant, n) -> figures.put(variant + ".requests", n.doubleValue()));
        verdict.expectedAllocation().forEach((variant, share) -> figures.put(variant + ".expected_share", share));
        String reason = "sample-ratio mismatch: observed requests " + verdict.observedRequests()
                + " do not follow the allocation " + verdict.expectedAllocation()
                + (verdict.srmPValue() != null ? String.format(Locale.ROOT, " (chi-square p %.3g)",
                verdict.srmPValue()) : "") + "; no comparison can be trusted (aggregator on " + treatment.variant()
                + ": " + treatment.reason() + ")";
        return new Change(Status.PAUSED, SRM, reason, figures, null, null);
    }

    private record Candidate(TreatmentVerdict treatment, MetricVerdict primary, double improvement) {}

    private static Optional<Change> winner(ExperimentState state, ExperimentVerdict verdict) {
        Lifecycle lifecycle = ExperimentTransitions.lifecycleOf(state);
        SuccessCriteria criteria = lifecycle.successCriteria();
        ExperimentMetric metric = state.primaryMetric();
        long controlRequests = verdict.observedRequests().getOrDefault(state.controlVariant(), 0L);
        Optional<Candidate> best = verdict.treatments().stream()
                .filter(t -> t.decision() == Decision.TREATMENT_BETTER)
                .map(t -> candidate(t, metric))
                .flatMap(Optional::stream)
                .filter(c -> c.improvement() >= (criteria == null ? 0 : criteria.minImprovement()))
                .filter(c -> withinLimit(c.treatment().metric(ExperimentMetric.COST_PER_REQUEST),
                        criteria == null ? null : criteria.maxCostIncrease()))
                .filter(c -> withinLimit(c.treatment().metric(ExperimentMetric.P95_LATENCY),
                        criteria == null ? null : criteria.maxP95LatencyIncrease()))
                .filter(c -> controlRequests >= lifecycle.targetSampleSize() && verdict.observedRequests()
                        .getOrDefault(c.treatment().variant(), 0L) >= lifecycle.targetSampleSize())
                .max(Comparator.comparingDouble(Candidate::improvement));
        return best.map(c -> {
            String variant = c.treatment().variant();
            Map<String, Double> figures = new LinkedHashMap<>();
            putFigures(figures, variant, c.primary());
            for (ExperimentMetric limited : List.of(ExperimentMetric.COST_PER_REQUEST, ExperimentMetric.P95_LATENCY)) {
                MetricVerdict m = c.treatment().metric(limited);
                if (m != null && m.relativeEffect() != null) {
                    figures.put(variant + "." + name(limited) + ".relative_effect", m.relativeEffect());
                }
            }
            figures.put(state.controlVariant() + ".requests", (double) controlRequests);
            figures.put(variant + ".requests", verdict.observedRequests().getOrDefault(variant, 0L).doubleValue());
            String reason = String.format(Locale.ROOT, "treatment '%s' wins on %s: %s; improvement %+.1f%% >= %.1f%%, "
                            + "at least %d requests per arm (aggregator: %s)", variant, name(metric),
                    describe(c.primary()), 100 * c.improvement(),
                    100 * (criteria == null ? 0 : criteria.minImprovement()), lifecycle.targetSampleSize(),
                    c.treatment().reason());
            return new Change(Status.COMPLETED, SUCCESS, reason, figures, variant,
                    String.format(Locale.ROOT, "%s is better than %s on %s by %+.1f%%", variant,
                            state.controlVariant(), name(metric), 100 * c.improvement()));
        });
    }

    private static Optional<Candidate> candidate(TreatmentVerdict treatment, ExperimentMetric metric) {
        MetricVerdict primary = treatment.metric(metric);
        if (primary == null || primary.relativeEffect() == null) {
            return Optional.empty();
        }
        double improvement = metric.higherIsBetter() ? primary.relativeEffect() : -primary.relativeEffect();
        return Optional.of(new Candidate(treatment, primary, improvement));
    }

    /** A relative increase within its limit; no limit, or no figure to check, passes. */
    private static boolean withinLimit(MetricVerdict metric, Double maxIncrease) {
        return maxIncrease == null || metric == null || metric.relativeEffect() == null
                || metric.relativeEffect() <= maxIncrease;
    }

    static String name(ExperimentMetric metric) {
        return metric.name().toLowerCase(Locale.ROOT);
    }

    private static void putFigures(Map<String, Double> figures, String variant, MetricVerdict m) {
        String prefix = variant + "." + name(m.metric()) + ".";
        put(figures, prefix + "control", m.controlValue());
        put(figures, prefix + "treatment", m.treatmentValue());
        put(figures, prefix + "effect", m.absoluteEffect());
        put(figures, prefix + "relative_effect", m.relativeEffect());
        put(figures, prefix + "p", m.adjustedSequentialPValue());
        put(figures, prefix + "p_sequential", m.sequentialPValue());
        put(figures, prefix + "p_fixed", m.pValue());
        put(figures, prefix + "p_fixed_adjusted", m.adjustedPValue());
        put(figures, prefix + "threshold", m.guardrailThreshold());
        figures.put(prefix + "control_n", (double) m.controlCount());
        figures.put(prefix + "treatment_n", (double) m.treatmentCount());
    }

    private static void put(Map<String, Double> figures, String key, Double value) {
        if (value != null) {
            figures.put(key, value);
        }
    }

    private static String describe(MetricVerdict m) {
        return String.format(Locale.ROOT, "%s treatment %s vs control %s (effect %s, relative %s, always-valid p %s%s)",
                name(m.metric()), num(m.treatmentValue()), num(m.controlValue()), num(m.absoluteEffect()),
                m.relativeEffect() == null ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", 100 * m.relativeEffect()),
                num(m.adjustedSequentialPValue()),
                m.guardrailThreshold() == null ? "" : ", threshold " + num(m.guardrailThreshold()));
    }

    private static String num(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.4g", value);
    }
}
