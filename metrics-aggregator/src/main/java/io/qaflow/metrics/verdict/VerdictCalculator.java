package io.qaflow.metrics.verdict;

import io.qaflow.metrics.stats.Comparison;
import io.qaflow.metrics.stats.Interval;
import io.qaflow.metrics.stats.PValueAdjustment;
import io.qaflow.metrics.stats.SampleSize;
import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Guardrail;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import io.qaflow.model.ExperimentVerdict.TreatmentVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Computes an experiment's verdict from the cumulative summary of each variant: every treatment (each variant but the
 * control) against the control on every {@link ExperimentMetric}.
 *
 * <ul>
 *   <li>Rates (success, degraded, positive feedback): two-proportion z test and 95% Wald interval; means (latency,
 *   cost per request): Welch's t test and interval.</li>
 *   <li>P95 latency: the value is each sketch's p95. The test is a two-proportion z test on the share of each arm's
 *   latencies above the <em>control's</em> p95, counted from the sketches' bins (a value in the threshold's own bin,
 *   within the sketch's 1% accuracy of it, counts as not above; see {@link SketchCounts#countAbove}). Under "same
 *   distribution" both shares are equal, so it tests a shift of the upper tail where the p95 sits. The 95% interval
 *   of the p95 difference combines per-arm distribution-free 97.5% quantile intervals (ranks q -+ z sqrt(q(1-q)/n)
 *   read from each sketch) as [L_T - U_C, U_T - L_C], at least 95% by the union bound. The sequential test, the
 *   sample size and tau^2 are on the exceedance-share difference; its scale at the minimum detectable effect is the
 *   control's share above p95 / (1 + mde) minus its share above p95.</li>
 *   <li>Always valid: the normal-mixture mSPRT of {@link io.qaflow.metrics.stats.MixtureSprt} on the tested
 *   difference, its running minimum p-value and intersected confidence sequence carried from {@code previous}
 *   (same experimentId and startedAt, else restarted); tau^2 = (mde x |control value|)^2 on the metric's absolute
 *   scale, floored at 1e-12, fixed at the first look with at least {@code minimumPerArm} per arm and a non-zero
 *   control value (see {@link SequentialState}).</li>
 *   <li>Holm's adjustment over all treatment x metric p-values that are defined, once for the fixed-horizon and
 *   once for the sequential ones; decisions use the adjusted sequential p-values.</li>
 *   <li>Sample-ratio mismatch: chi-square goodness of fit of all variants' requests against the configured
 *   weights; not for BANDIT experiments, whose weights the controller moves.</li>
 * </ul>
 *
 * <p>Decision per treatment, first match wins: SRM p below the threshold with at least {@code minimumPerArm}
 * requests in total: SRM_ALERT; a guardrail breached (adjusted sequential p below alpha, the confidence sequence on
 * the harmful side, and the point estimate worse than the guardrail's threshold): GUARDRAIL_BREACH; fewer than
 * {@code minimumPerArm} observations of the primary metric in control or treatment: INSUFFICIENT_DATA; adjusted
 * sequential p on the primary metric below alpha: TREATMENT_BETTER or TREATMENT_WORSE by direction; the sample size
 * for the minimum detectable effect reached: NO_DIFFERENCE; else INSUFFICIENT_DATA.
 */
public final class VerdictCalculator {
    /** One percentage point: the smallest rate difference tau is scaled to. */
    static final double RATE_SCALE_FLOOR = 0.01;


    private final VerdictSettings settings;

    public VerdictCalculator(VerdictSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public VerdictCalculator() {
        this(VerdictSettings.defaults());
    }

    /**
     * @param arms the cumulative summary per variant name; a variant of the experiment without one counts as empty,
     *     names that are not variants of the experiment are ignored
     * @param previous the last verdict of this experiment, or null; its sequential state is continued when it has
     *     the same experimentId and startedAt
     */
    public ExperimentVerdict compute(ExperimentState experiment, Map<String, ArmSummary> arms,
                                     ExperimentVerdict previous, Instant now) {
        Function<String, ArmSummary> arm = name -> arms.getOrDefault(name, ArmSummary.empty(name));
        boolean continues = previous != null && previous.experimentId().equals(experiment.experimentId())
                && previous.startedAt().equals(experiment.startedAt());

        Map<String, Long> observed = new LinkedHashMap<>();
        Map<String, Double> expected = new LinkedHashMap<>();
        for (ExperimentState.Arm variant : experiment.variants()) {
            observed.put(variant.name(), arm.apply(variant.name()).requests());
            expected.put(variant.name(), experiment.allocation(variant.name()));
        }
        Double srmPValue = srmPValue(experiment, observed);

        MetricEstimator estimator = new MetricEstimator(experiment.minimumDetectableEffect());
        ArmSummary control = arm.apply(experiment.controlVariant());
        List<Comparisons> comparisons = new ArrayList<>();
        for (String variant : experiment.treatmentVariants()) {
            ArmSummary treatment = arm.apply(variant);
            List<Looked> metrics = new ArrayList<>();
            for (ExperimentMetric metric : ExperimentMetric.values()) {
                MetricEstimate estimate = estimator.estimate(metric, control, treatment);
                MetricVerdict before = continues && previous.treatment(variant) != null
                        ? previous.treatment(variant).metric(metric) : null;
                SequentialState state = SequentialState.carriedBy(before)
                        .look(estimate, settings.minimumPerArm(), settings.alpha(), smallestScale(experiment, estimate));
                metrics.add(new Looked(estimate, state));
            }
            comparisons.add(new Comparisons(variant, metrics));
        }

        List<Looked> family = comparisons.stream().flatMap(c -> c.metrics().stream()).toList();
        Map<Looked, Double> adjusted = holm(family, l -> l.estimate().pValue());
        Map<Looked, Double> adjustedSequential = holm(family, l -> l.state().pValue());

        long totalRequests = observed.values().stream().mapToLong(Long::longValue).sum();
        boolean srmAlert = srmPValue != null && srmPValue < settings.srmThreshold()
                && totalRequests >= settings.minimumPerArm();
        List<TreatmentVerdict> treatments = new ArrayList<>();
        for (Comparisons comparison : comparisons) {
            List<MetricVerdict> metrics = comparison.metrics().stream()
                    .map(l -> metricVerdict(experiment, l, adjusted.get(l), adjustedSequential.get(l)))
                    .toList();
            treatments.add(decide(experiment, comparison.variant(), metrics, srmAlert, srmPValue, observed, expected));
        }
        return new ExperimentVerdict(ExperimentVerdict.SCHEMA_VERSION, EventIds.random(), now,
                experiment.experimentId(), experiment.startedAt(), experiment.controlVariant(),
                experiment.primaryMetric(), experiment.minimumDetectableEffect(), settings.alpha(),
                ExperimentVerdict.HOLM, observed, expected, srmPValue, treatments);
    }

    private record Looked(MetricEstimate estimate, SequentialState state) {
    }

    private record Comparisons(String variant, List<Looked> metrics) {
    }

    private static Double srmPValue(ExperimentState experiment, Map<String, Long> observed) {
        if (experiment.variants().size() < 2
                || experiment.lifecycle() != null && experiment.lifecycle().isBandit()) {
            return null; // a bandit moves the weights: the cumulative split is not expected to follow the current ones
        }
        long[] counts = experiment.variants().stream().mapToLong(v -> observed.get(v.name())).toArray();
        double[] weights = experiment.variants().stream().mapToDouble(ExperimentState.Arm::weight).toArray();
        return MetricEstimator.finite(Comparison.sampleRatioMismatchPValue(counts, weights));
    }

    /** Holm-adjusted p-values of the looked comparisons whose p-value is defined (by identity). */
    private static Map<Looked, Double> holm(List<Looked> family, Function<Looked, Double> pValue) {
        List<Looked> defined = family.stream().filter(l -> pValue.apply(l) != null).toList();
        double[] adjusted = PValueAdjustment.holm(defined.stream().mapToDouble(pValue::apply).toArray());
        Map<Looked, Double> byComparison = new java.util.IdentityHashMap<>();
        for (int i = 0; i < defined.size(); i++) {
            byComparison.put(defined.get(i), adjusted[i]);
        }
        return byComparison;
    }

    private MetricVerdict metricVerdict(ExperimentState experiment, Looked looked, Double adjustedPValue,
                                        Double adjustedSequentialPValue) {
        MetricEstimate e = looked.estimate();
        SequentialState s = looked.state();
        Guardrail guardrail = strictestGuardrail(experiment, e);
        Double threshold = guardrail == null || e.controlValue() == null ? null
                : guardrail.threshold(e.controlValue());
        boolean breached = threshold != null && e.absoluteEffect() != null
                && adjustedSequentialPValue != null && adjustedSequentialPValue < settings.alpha()
                && s.excludedSide() == harmfulSign(e.metric())
                && harmfulSign(e.metric()) * e.absoluteEffect() > threshold;
        Long remaining = e.requiredPerArm() == null ? null
                : SampleSize.remainingPerArm(e.requiredPerArm(), e.smallerCount());
        Interval ci = e.confidenceInterval();
        return new MetricVerdict(e.metric(), e.controlCount(), e.treatmentCount(), e.controlValue(),
                e.treatmentValue(), e.absoluteEffect(), e.relativeEffect(),
                ci == null ? null : new ExperimentVerdict.Bounds(ci.lower(), ci.upper()), e.pValue(), adjustedPValue,
                s.pValue(), adjustedSequentialPValue, s.bounds(), s.mixingVariance(), remaining, breached, threshold);
    }

    /**
     * The smallest effect tau is scaled to. mde x control alone makes tau tiny on a rate near 0 (a degraded rate of 1%
     * at mde 5% gives 0.0005), and the test then barely reacts to a jump to 8%; undefined when control is 0. A
     * guardrail's threshold is by definition an effect worth detecting, and a rate moves by at least one percentage
     * point before anyone acts on it.
     */
    private static double smallestScale(ExperimentState experiment, MetricEstimate estimate) {
        double scale = estimate.metric().isRate() ? RATE_SCALE_FLOOR : 0;
        Guardrail guardrail = strictestGuardrail(experiment, estimate);
        if (guardrail != null && estimate.metric() != ExperimentMetric.P95_LATENCY && estimate.controlValue() != null) {
            scale = Math.max(scale, guardrail.threshold(estimate.controlValue()));
        }
        return scale;
    }

    private static Guardrail strictestGuardrail(ExperimentState experiment, MetricEstimate estimate) {
        double control = estimate.controlValue() == null ? 0 : estimate.controlValue();
        return experiment.guardrails().stream().filter(g -> g.metric() == estimate.metric())
                .min(java.util.Comparator.comparingDouble(g -> g.threshold(control))).orElse(null);
    }

    /** +1 when a positive difference (treatment minus control) is a worsening, -1 when it is an improvement. */
    private static int harmfulSign(ExperimentMetric metric) {
        return metric.higherIsBetter() ? -1 : 1;
    }

    private TreatmentVerdict decide(ExperimentState experiment, String variant, List<MetricVerdict> metrics,
                                    boolean srmAlert, Double srmPValue, Map<String, Long> observed,
                                    Map<String, Double> expected) {
        if (srmAlert) {
            return new TreatmentVerdict(variant, Decision.SRM_ALERT, Reasons.srm(observed, expected, srmPValue,
                    settings.srmThreshold()), metrics);
        }
        for (MetricVerdict metric : metrics) {
            if (metric.guardrailBreached()) {
                return new TreatmentVerdict(variant, Decision.GUARDRAIL_BREACH,
                        Reasons.guardrail(metric, settings.alpha()), metrics);
            }
        }
        MetricVerdict primary = metrics.stream().filter(m -> m.metric() == experiment.primaryMetric()).findFirst()
                .orElseThrow();
        if (Math.min(primary.controlCount(), primary.treatmentCount()) < settings.minimumPerArm()) {
            return new TreatmentVerdict(variant, Decision.INSUFFICIENT_DATA,
                    Reasons.tooFew(primary, settings.minimumPerArm()), metrics);
        }
        Double sequential = primary.adjustedSequentialPValue();
        if (sequential != null && sequential < settings.alpha()) {
            int side = side(primary);
            boolean better = side == -harmfulSign(primary.metric());
            return new TreatmentVerdict(variant, better ? Decision.TREATMENT_BETTER : Decision.TREATMENT_WORSE,
                    Reasons.significant(primary, settings.alpha()), metrics);
        }
        if (primary.remainingSampleSizePerArm() != null && primary.remainingSampleSizePerArm() == 0) {
            return new TreatmentVerdict(variant, Decision.NO_DIFFERENCE,
                    Reasons.noDifference(primary, experiment.minimumDetectableEffect(), settings.alpha()), metrics);
        }
        return new TreatmentVerdict(variant, Decision.INSUFFICIENT_DATA,
                Reasons.notYet(primary, experiment.minimumDetectableEffect(), settings.alpha()), metrics);
    }

    /** The side of 0 the significant difference lies on: from the confidence sequence, else the point estimate. */
    private static int side(MetricVerdict metric) {
        var sequence = metric.confidenceSequence();
        if (sequence != null && sequence.lower() > 0) {
            return 1;
        }
        if (sequence != null && sequence.upper() < 0) {
            return -1;
        }
        return metric.absoluteEffect() == null ? 0 : (int) Math.signum(metric.absoluteEffect());
    }
}
