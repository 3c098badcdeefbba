package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The statistical verdict on one experiment: every treatment compared with the control on every
 * {@link ExperimentMetric}, on the compacted {@code qa.experiment-verdicts.v1} (key: {@link #key()} = experimentId).
 * Each new record replaces the previous one and carries the always-valid (sequential) state forward.
 *
 * <p>JSON never holds NaN or Infinity: every figure that can be undefined (too little data, a control value of 0, an
 * unbounded confidence sequence) is a nullable boxed number and is null then.
 *
 * @param startedAt the experiment's start; the sequential state restarts when it changes
 * @param alpha the significance level every p-value is compared with (after adjustment)
 * @param correction the multiple-testing adjustment of {@code adjusted*} p-values, e.g. {@code HOLM}, over all
 *     treatment x metric tests that have a p-value
 * @param observedRequests terminal requests per variant (all variants of the experiment, control included)
 * @param expectedAllocation configured share of traffic per variant, summing to 1
 * @param srmPValue chi-square goodness-of-fit p-value of observedRequests against expectedAllocation (sample-ratio
 *     mismatch); null with fewer than two variants
 */
public record ExperimentVerdict(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String experimentId,
        Instant startedAt,
        String controlVariant,
        ExperimentMetric primaryMetric,
        double minimumDetectableEffect,
        double alpha,
        String correction,
        Map<String, Long> observedRequests,
        Map<String, Double> expectedAllocation,
        Double srmPValue,
        List<TreatmentVerdict> treatments) implements Event {

    public static final int SCHEMA_VERSION = 1;
    public static final String HOLM = "HOLM";

    public ExperimentVerdict {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(experimentId, "experimentId");
        notNull(startedAt, "startedAt");
        notBlank(controlVariant, "controlVariant");
        notNull(primaryMetric, "primaryMetric");
        notBlank(correction, "correction");
        observedRequests = Map.copyOf(notNull(observedRequests, "observedRequests"));
        expectedAllocation = Map.copyOf(notNull(expectedAllocation, "expectedAllocation"));
        treatments = List.copyOf(notNull(treatments, "treatments"));
        if (!(alpha > 0 && alpha < 1) || !(minimumDetectableEffect > 0) || Double.isInfinite(minimumDetectableEffect)) {
            throw new IllegalArgumentException("need alpha in (0, 1) and a positive minimumDetectableEffect");
        }
        if (srmPValue != null && !(srmPValue >= 0 && srmPValue <= 1)) {
            throw new IllegalArgumentException("srmPValue must lie in [0, 1], was " + srmPValue);
        }
    }

    /** The compacted topic's key. */
    public String key() {
        return experimentId;
    }

    /** The verdict on one treatment variant, or null when the experiment has no such treatment. */
    public TreatmentVerdict treatment(String variant) {
        return treatments.stream().filter(t -> t.variant().equals(variant)).findFirst().orElse(null);
    }

    /** What the figures say about a treatment, checked in this order of precedence. */
    public enum Decision {
        /** too few observations on the primary metric to decide anything yet */
        INSUFFICIENT_DATA,
        /** enough observations for the minimum detectable effect and no significant difference */
        NO_DIFFERENCE,
        /** the primary metric is significantly better (always-valid, adjusted) */
        TREATMENT_BETTER,
        /** the primary metric is significantly worse (always-valid, adjusted) */
        TREATMENT_WORSE,
        /** traffic does not follow the configured allocation: no comparison can be trusted */
        SRM_ALERT,
        /** a guardrail metric is significantly worse by more than its threshold */
        GUARDRAIL_BREACH
    }

    /**
     * @param reason one sentence with the figures that led to the decision
     * @param metrics one entry per {@link ExperimentMetric}, in declaration order
     */
    public record TreatmentVerdict(String variant, Decision decision, String reason, List<MetricVerdict> metrics) {
        public TreatmentVerdict {
            notBlank(variant, "variant");
            notNull(decision, "decision");
            notBlank(reason, "reason");
            metrics = List.copyOf(notNull(metrics, "metrics"));
        }

        /** The comparison on one metric, or null when it is not there. */
        public MetricVerdict metric(ExperimentMetric metric) {
            return metrics.stream().filter(m -> m.metric() == metric).findFirst().orElse(null);
        }
    }

    /**
     * Treatment against control on one metric; every difference is treatment minus control. Null means undefined.
     * For {@link ExperimentMetric#P95_LATENCY} the values, effects and confidence interval are about the p95 in
     * milliseconds, while the tests (p-values, confidence sequence, mixing variance, sample size) are about the
     * share of each arm's latencies above the control's p95.
     *
     * @param controlCount observations behind the control's value (requests, answered, or feedback given)
     * @param relativeEffect absoluteEffect / controlValue
     * @param confidenceInterval 95% fixed-horizon interval of the difference (valid read once)
     * @param pValue fixed-horizon two-sided p-value (Welch t for means, two-proportion z for rates and shares)
     * @param adjustedPValue pValue adjusted across all treatment x metric tests
     * @param sequentialPValue always-valid p-value (mSPRT), running minimum over all looks since startedAt
     * @param adjustedSequentialPValue sequentialPValue adjusted across all treatment x metric tests
     * @param confidenceSequence always-valid (1 - alpha) interval of the difference, running intersection over looks
     * @param mixingVariance tau^2 of the mSPRT, fixed at the first look and carried forward
     * @param remainingSampleSizePerArm observations each arm still needs for 80% power at the minimum detectable
     *     effect (fixed-horizon), 0 when reached
     * @param guardrailThreshold the largest tolerated worsening in the metric's unit when a guardrail covers it
     */
    public record MetricVerdict(
            ExperimentMetric metric,
            long controlCount,
            long treatmentCount,
            Double controlValue,
            Double treatmentValue,
            Double absoluteEffect,
            Double relativeEffect,
            Bounds confidenceInterval,
            Double pValue,
            Double adjustedPValue,
            Double sequentialPValue,
            Double adjustedSequentialPValue,
            Bounds confidenceSequence,
            Double mixingVariance,
            Long remainingSampleSizePerArm,
            boolean guardrailBreached,
            Double guardrailThreshold) {

        public MetricVerdict {
            notNull(metric, "metric");
            if (controlCount < 0 || treatmentCount < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
            for (Double value : new Double[] {controlValue, treatmentValue, absoluteEffect, relativeEffect, pValue,
                    adjustedPValue, sequentialPValue, adjustedSequentialPValue, mixingVariance, guardrailThreshold}) {
                if (value != null && !Double.isFinite(value)) {
                    throw new IllegalArgumentException(metric + ": figures must be finite or null, was " + value);
                }
            }
        }
    }

    /** A finite interval [lower, upper]; a running intersection may leave lower above upper (empty). */
    public record Bounds(double lower, double upper) {
        public Bounds {
            if (!Double.isFinite(lower) || !Double.isFinite(upper)) {
                throw new IllegalArgumentException("bounds must be finite: [" + lower + ", " + upper + "]");
            }
        }
    }
}
