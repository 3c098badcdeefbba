package io.qaflow.controller;

import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Lifecycle;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.SuccessCriteria;
import io.qaflow.model.ExperimentState.Transition;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import io.qaflow.model.ExperimentVerdict.TreatmentVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built experiments and verdicts, shaped like SampleEvents in shared-model. */
public final class Samples {
    public static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    public static final Instant STARTED = NOW.minusSeconds(3600);

    private Samples() {}

    public static ExperimentState experiment(String id, Status status, long targetSampleSize,
                                             SuccessCriteria criteria, boolean autoPromote,
                                             ExperimentMetric primary) {
        return new ExperimentState(ExperimentState.SCHEMA_VERSION, EventIds.random(), NOW, id, List.of(
                new Arm("control", "1.0.0", "gpt-4o-mini", 5, 1),
                new Arm("concise", "2.0.0", "gpt-4o-mini", 5, 1),
                new Arm("top10", "1.0.0", "gpt-4o-mini", 10, 1)), "control", status, STARTED, primary, 0.05,
                List.of(), new Lifecycle("Sample " + id, targetSampleSize, criteria, autoPromote, "FIXED", null, null,
                null, List.of(new Transition(STARTED.minusSeconds(60), null, Status.DRAFT, "user:ana", "created",
                        Map.of()))));
    }

    public static ExperimentState running(String id) {
        return experiment(id, Status.RUNNING, 1_000, new SuccessCriteria(0.02, 0.10, 0.20), false,
                ExperimentMetric.SUCCESS_RATE);
    }

    /** A metric comparison with the figures that matter to the rules; the rest plausible. */
    public static MetricVerdict metric(ExperimentMetric metric, double control, double treatment, double adjustedP,
                                       boolean breached, Double threshold) {
        double effect = treatment - control;
        Double relative = control == 0 ? null : effect / control;
        return new MetricVerdict(metric, 5_000, 5_000, control, treatment, effect, relative,
                new ExperimentVerdict.Bounds(effect - 0.01, effect + 0.01), adjustedP / 10, adjustedP / 5,
                adjustedP / 2, adjustedP, new ExperimentVerdict.Bounds(effect - 0.02, effect + 0.02), 1.6e-3, 0L,
                breached, threshold);
    }

    public static TreatmentVerdict treatment(String variant, Decision decision, MetricVerdict... metrics) {
        return new TreatmentVerdict(variant, decision, variant + ": " + decision, List.of(metrics));
    }

    /** The same verdict as if computed {@code seconds} earlier (the one before it, for rules that need two). */
    public static ExperimentVerdict computedEarlier(ExperimentVerdict v, long seconds) {
        return new ExperimentVerdict(v.schemaVersion(), EventIds.random(), v.occurredAt().minusSeconds(seconds),
                v.experimentId(), v.startedAt(), v.controlVariant(), v.primaryMetric(), v.minimumDetectableEffect(),
                v.alpha(), v.correction(), v.observedRequests(), v.expectedAllocation(), v.srmPValue(),
                v.treatments());
    }

    public static ExperimentVerdict verdict(String experimentId, Instant startedAt, long requestsPerArm,
                                            TreatmentVerdict... treatments) {
        Map<String, Long> observed = new LinkedHashMap<>();
        Map<String, Double> expected = new LinkedHashMap<>();
        List<String> arms = new ArrayList<>(List.of("control"));
        for (TreatmentVerdict t : treatments) {
            arms.add(t.variant());
        }
        for (String arm : arms) {
            observed.put(arm, requestsPerArm);
            expected.put(arm, 1.0 / arms.size());
        }
        // computed now, as the aggregator does: after every transition a test has made so far
        return new ExperimentVerdict(ExperimentVerdict.SCHEMA_VERSION, EventIds.random(), Instant.now(), experimentId,
                startedAt, "control", ExperimentMetric.SUCCESS_RATE, 0.05, 0.05, ExperimentVerdict.HOLM, observed,
                expected, 0.5, List.of(treatments));
    }
}
