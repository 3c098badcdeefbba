package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The current definition of one experiment, on the compacted {@code qa.experiments.v1} (key: experimentId). The
 * latest record per key is the experiment's state; the gateway allocates requests to {@link #variants} by weight.
 *
 * @param controlVariant the name of the variant every treatment is compared with; one of {@link #variants}
 * @param startedAt when traffic started to flow to the experiment; cumulative statistics count from here
 * @param primaryMetric the metric the experiment's verdict is decided on; {@link #DEFAULT_PRIMARY_METRIC} when absent
 * @param minimumDetectableEffect the smallest effect worth detecting, relative to the control's value (0.05 = 5%);
 *     sizes the sample and the sequential test; {@link #DEFAULT_MINIMUM_DETECTABLE_EFFECT} when absent (0 in JSON)
 * @param guardrails metrics that must not get worse by more than a threshold; empty when absent
 * @param lifecycle what the experiment controller keeps with the definition (criteria, winner, audit trail); null in
 *     records written before it existed or by other writers
 */
public record ExperimentState(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String experimentId,
        List<Arm> variants,
        String controlVariant,
        Status status,
        Instant startedAt,
        ExperimentMetric primaryMetric,
        @JsonSetter(nulls = Nulls.AS_EMPTY) double minimumDetectableEffect,
        List<Guardrail> guardrails,
        Lifecycle lifecycle) implements Event {

    public static final int SCHEMA_VERSION = 1;
    public static final ExperimentMetric DEFAULT_PRIMARY_METRIC = ExperimentMetric.SUCCESS_RATE;
    public static final double DEFAULT_MINIMUM_DETECTABLE_EFFECT = 0.05;

    public ExperimentState {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(experimentId, "experimentId");
        variants = List.copyOf(notNull(variants, "variants"));
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one variant");
        }
        var names = new HashSet<String>();
        for (Arm arm : variants) {
            if (!names.add(notNull(arm, "variant").name())) {
                throw new IllegalArgumentException("duplicate variant name " + arm.name());
            }
        }
        notBlank(controlVariant, "controlVariant");
        if (!names.contains(controlVariant)) {
            throw new IllegalArgumentException("control variant " + controlVariant + " is not one of " + names);
        }
        notNull(status, "status");
        notNull(startedAt, "startedAt");
        primaryMetric = Objects.requireNonNullElse(primaryMetric, DEFAULT_PRIMARY_METRIC);
        // absent or null in records written before the field existed: read as 0 (AS_EMPTY), meaning the default
        if (minimumDetectableEffect == 0) {
            minimumDetectableEffect = DEFAULT_MINIMUM_DETECTABLE_EFFECT;
        }
        if (!(minimumDetectableEffect > 0) || Double.isInfinite(minimumDetectableEffect)) {
            throw new IllegalArgumentException("minimumDetectableEffect must be a positive number, was "
                    + minimumDetectableEffect);
        }
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
        guardrails.forEach(g -> notNull(g, "guardrail"));
    }

    /** Without the controller's lifecycle data (records written before it existed, tests, other writers). */
    public ExperimentState(int schemaVersion, String eventId, Instant occurredAt, String experimentId,
                           List<Arm> variants, String controlVariant, Status status, Instant startedAt,
                           ExperimentMetric primaryMetric, double minimumDetectableEffect, List<Guardrail> guardrails) {
        this(schemaVersion, eventId, occurredAt, experimentId, variants, controlVariant, status, startedAt,
                primaryMetric, minimumDetectableEffect, guardrails, null);
    }

    /** An experiment judged on the success rate, minimum detectable effect 5%, no guardrails. */
    public static ExperimentState of(String experimentId, List<Arm> variants, String controlVariant, Status status,
                                     Instant startedAt, Instant now) {
        return of(experimentId, variants, controlVariant, status, startedAt, DEFAULT_PRIMARY_METRIC,
                DEFAULT_MINIMUM_DETECTABLE_EFFECT, List.of(), now);
    }

    public static ExperimentState of(String experimentId, List<Arm> variants, String controlVariant, Status status,
                                     Instant startedAt, ExperimentMetric primaryMetric,
                                     double minimumDetectableEffect, List<Guardrail> guardrails, Instant now) {
        return new ExperimentState(SCHEMA_VERSION, EventIds.random(), now, experimentId, variants, controlVariant,
                status, startedAt, primaryMetric, minimumDetectableEffect, guardrails, null);
    }

    /** Whether the gateway sends traffic to the experiment's arms. */
    @JsonIgnore
    public boolean isRunning() {
        return status == Status.RUNNING;
    }

    /** The names of every variant except the control, in the order of {@link #variants}. */
    public List<String> treatmentVariants() {
        return variants.stream().map(Arm::name).filter(name -> !name.equals(controlVariant)).toList();
    }

    /** The share of traffic each variant is configured to get, in the order of {@link #variants}. */
    public double allocation(String variantName) {
        double total = variants.stream().mapToDouble(Arm::weight).sum();
        return variants.stream().filter(a -> a.name().equals(variantName)).mapToDouble(Arm::weight).sum() / total;
    }

    /**
     * One arm of an experiment: the configuration its requests run with and its relative traffic weight.
     *
     * @param temperature the LLM sampling temperature, 0 to 2; null leaves the answer workers' setting
     */
    public record Arm(String name, String promptVersion, String model, int topK, double weight, Double temperature) {
        public Arm {
            notBlank(name, "name");
            notBlank(promptVersion, "promptVersion");
            notBlank(model, "model");
            if (topK < 1 || topK > 50) {
                throw new IllegalArgumentException("topK must be in 1..50, was " + topK);
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight must be a positive number, was " + weight);
            }
            Variant.checkTemperature(temperature);
        }

        /** With the answer workers' temperature. */
        public Arm(String name, String promptVersion, String model, int topK, double weight) {
            this(name, promptVersion, model, topK, weight, null);
        }

        public Arm withWeight(double newWeight) {
            return new Arm(name, promptVersion, model, topK, newWeight, temperature);
        }
    }

    /**
     * A limit on how much worse a treatment may be than control on one metric. The treatment breaches it when it is
     * worse, in the metric's harmful direction, by more than {@code maxWorsening}: a fraction of the control's value
     * when {@code relative} (0.1 = 10% worse), else an absolute amount in the metric's unit (rates as fractions,
     * latency in milliseconds, cost in USD).
     */
    public record Guardrail(ExperimentMetric metric, double maxWorsening, boolean relative) {
        public Guardrail {
            notNull(metric, "metric");
            if (!(maxWorsening >= 0) || Double.isInfinite(maxWorsening)) {
                throw new IllegalArgumentException("maxWorsening must be a number >= 0, was " + maxWorsening);
            }
        }

        /** The largest tolerated worsening in the metric's unit, given the control's value. */
        public double threshold(double controlValue) {
            return relative ? maxWorsening * Math.abs(controlValue) : maxWorsening;
        }
    }

    /**
     * DRAFT → RUNNING ⇄ PAUSED → COMPLETED (with a winner) → PROMOTED (the winner's prompt became the default), or →
     * ROLLED_BACK (traffic back to control); STOPPED: ended without a conclusion. Only RUNNING gets traffic.
     */
    public enum Status {
        DRAFT,
        RUNNING,
        PAUSED,
        STOPPED,
        COMPLETED,
        PROMOTED,
        ROLLED_BACK
    }

    /**
     * What the experiment controller keeps with an experiment.
     *
     * @param name what people call the experiment (its id is a slug of it); null in records written before it existed
     * @param targetSampleSize requests per arm before a win may complete the experiment (0 = no minimum)
     * @param successCriteria what a treatment must show to win; null = a significant improvement of the primary
     *     metric is enough
     * @param autoPromote whether a win completes and promotes the experiment without a person
     * @param allocationMode how traffic is split: {@code FIXED} weights or {@code BANDIT} (Thompson sampling moves
     *     the arms' weights towards the best arm on the primary metric)
     * @param banditFloor in {@code BANDIT} mode, the least share of traffic every arm keeps (0.05 = 5%); null otherwise
     * @param winner the winning variant once COMPLETED or PROMOTED
     * @param conclusion a sentence on the outcome, once ended
     * @param audit every transition, oldest first
     */
    public record Lifecycle(String name, long targetSampleSize, SuccessCriteria successCriteria, boolean autoPromote,
                            String allocationMode, Double banditFloor, String winner, String conclusion,
                            List<Transition> audit) {
        public static final String FIXED = "FIXED";
        public static final String BANDIT = "BANDIT";

        public Lifecycle {
            if (targetSampleSize < 0) {
                throw new IllegalArgumentException("targetSampleSize must be >= 0");
            }
            allocationMode = allocationMode == null ? FIXED : allocationMode;
            if (!FIXED.equals(allocationMode) && !BANDIT.equals(allocationMode)) {
                throw new IllegalArgumentException("allocationMode must be FIXED or BANDIT, was " + allocationMode);
            }
            if (banditFloor != null && !(banditFloor > 0 && banditFloor < 1)) {
                throw new IllegalArgumentException("banditFloor must lie in (0, 1), was " + banditFloor);
            }
            audit = audit == null ? List.of() : List.copyOf(audit);
        }

        @JsonIgnore
        public boolean isBandit() {
            return BANDIT.equals(allocationMode);
        }
    }

    /**
     * @param minImprovement least relative improvement of the primary metric over control (0.02 = 2%)
     * @param maxCostIncrease largest tolerated relative increase of cost per request (0.1 = 10%); null = any
     * @param maxP95LatencyIncrease largest tolerated relative increase of p95 latency; null = any
     */
    public record SuccessCriteria(double minImprovement, Double maxCostIncrease, Double maxP95LatencyIncrease) {}

    /**
     * One change of status.
     *
     * @param actor who or what made it: {@code user:<name>} or {@code rule:<rule>} (e.g. {@code rule:guardrail})
     * @param figures the verdict figures behind an automatic transition (e.g. {@code concise.degraded_rate.p}); empty
     *     for a person's
     */
    public record Transition(Instant at, Status from, Status to, String actor, String reason,
                             java.util.Map<String, Double> figures) {
        public Transition {
            notNull(at, "at");
            notNull(to, "to");
            notBlank(actor, "actor");
            figures = figures == null ? java.util.Map.of() : java.util.Map.copyOf(figures);
        }
    }
}
