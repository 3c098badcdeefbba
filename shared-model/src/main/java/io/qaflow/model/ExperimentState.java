package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

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
        List<Guardrail> guardrails) implements Event {

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
                status, startedAt, primaryMetric, minimumDetectableEffect, guardrails);
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

    /** One arm of an experiment: the configuration its requests run with and its relative traffic weight. */
    public record Arm(String name, String promptVersion, String model, int topK, double weight) {
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

    public enum Status {
        DRAFT,
        RUNNING,
        PAUSED,
        STOPPED
    }
}
