package io.qaflow.controller.decision;

import static io.qaflow.controller.Samples.STARTED;
import static io.qaflow.controller.Samples.metric;
import static io.qaflow.controller.Samples.treatment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.controller.Samples;
import io.qaflow.controller.state.ExperimentTransitions;
import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Lifecycle;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.Transition;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BanditRuleTest {
    private static final BanditRule.Settings SETTINGS = new BanditRule.Settings(Duration.ofMinutes(1), 0.01, 20_000);

    /** Two arms, control and concise, 50/50 to start. */
    private static ExperimentState experiment(String mode, ExperimentMetric primary, List<Transition> laterAudit) {
        List<Transition> audit = new java.util.ArrayList<>(List.of(
                new Transition(STARTED.minusSeconds(60), null, Status.DRAFT, "user:ana", "created", Map.of()),
                new Transition(STARTED, Status.DRAFT, Status.RUNNING, "user:ana", "started", Map.of())));
        audit.addAll(laterAudit);
        return new ExperimentState(ExperimentState.SCHEMA_VERSION, EventIds.random(), Samples.NOW, "bandit-1",
                List.of(new Arm("control", "1.0.0", "m", 5, 1), new Arm("concise", "2.0.0", "m", 5, 1)), "control",
                Status.RUNNING, STARTED, primary, 0.05, List.of(),
                new Lifecycle("Bandit", 0, null, false, mode, Lifecycle.BANDIT.equals(mode) ? 0.1 : null, null, null, audit));
    }

    private static ExperimentVerdict verdict(ExperimentMetric primary, double control, double treatment, long n) {
        MetricVerdict m = metric(primary, control, treatment, 0.5, false, null);
        MetricVerdict counted = new MetricVerdict(m.metric(), n, n, m.controlValue(), m.treatmentValue(),
                m.absoluteEffect(), m.relativeEffect(), m.confidenceInterval(), m.pValue(), m.adjustedPValue(),
                m.sequentialPValue(), m.adjustedSequentialPValue(), m.confidenceSequence(), m.mixingVariance(),
                m.remainingSampleSizePerArm(), false, null);
        return Samples.verdict("bandit-1", STARTED, n, treatment("concise", Decision.INSUFFICIENT_DATA, counted));
    }

    @Test
    void movesTrafficTowardsTheBetterArmKeepingTheFloorWithTheFiguresOnRecord() {
        ExperimentState state = experiment(Lifecycle.BANDIT, ExperimentMetric.SUCCESS_RATE, List.of());
        ExperimentVerdict verdict = verdict(ExperimentMetric.SUCCESS_RATE, 0.80, 0.90, 400);

        BanditRule.Reallocation r = BanditRule.reallocate(state, verdict, Instant.now(), SETTINGS).orElseThrow();

        assertThat(r.weights().get("concise")).isCloseTo(0.9, within(0.001)); // P(best) ~ 1, floor 0.1
        assertThat(r.weights().get("control")).isCloseTo(0.1, within(0.001));
        assertThat(r.figures()).containsEntry("control.successes", 320.0).containsEntry("control.trials", 400.0)
                .containsEntry("concise.successes", 360.0).containsEntry("control.previous_share", 0.5)
                .containsKeys("concise.p_best", "concise.share");
        assertThat(r.reason()).startsWith("Thompson sampling on success_rate (floor 0.100)")
                .contains("concise 360/400");
        assertThat(BanditRule.reallocate(state, verdict, Instant.now(), SETTINGS).orElseThrow().weights())
                .as("the same verdict gives the same shares").isEqualTo(r.weights());

        ExperimentState next = ExperimentTransitions.reallocate(state, r.weights(), BanditRule.ACTOR, r.reason(),
                r.figures(), Samples.NOW);
        assertThat(next.allocation("concise")).isCloseTo(0.9, within(0.001));
        assertThat(next.status()).isEqualTo(Status.RUNNING);
        assertThat(next.startedAt()).isEqualTo(state.startedAt());
        assertThat(next.lifecycle().audit().getLast()).satisfies(t -> {
            assertThat(t.from()).isEqualTo(Status.RUNNING);
            assertThat(t.to()).isEqualTo(Status.RUNNING);
            assertThat(t.actor()).isEqualTo("rule:bandit");
            assertThat(t.figures()).containsKey("concise.p_best");
        });
    }

    @Test
    void aLowerIsBetterRateCountsTheGoodOutcomes() {
        ExperimentState state = experiment(Lifecycle.BANDIT, ExperimentMetric.DEGRADED_RATE, List.of());
        BanditRule.Reallocation r = BanditRule.reallocate(state,
                verdict(ExperimentMetric.DEGRADED_RATE, 0.20, 0.05, 400), Instant.now(), SETTINGS).orElseThrow();
        assertThat(r.weights().get("concise")).isCloseTo(0.9, within(0.001));
        assertThat(r.figures()).containsEntry("concise.successes", 380.0).containsEntry("control.successes", 320.0);
    }

    @Test
    void changesNothingOutsideARunningBanditOrWhenLittleWouldMove() {
        ExperimentVerdict clearWin = verdict(ExperimentMetric.SUCCESS_RATE, 0.80, 0.90, 400);
        assertThat(BanditRule.reallocate(experiment(Lifecycle.FIXED, ExperimentMetric.SUCCESS_RATE, List.of()),
                clearWin, Instant.now(), SETTINGS)).isEmpty();
        ExperimentState bandit = experiment(Lifecycle.BANDIT, ExperimentMetric.SUCCESS_RATE, List.of());
        ExperimentState paused = new ExperimentState(bandit.schemaVersion(), bandit.eventId(), bandit.occurredAt(),
                bandit.experimentId(), bandit.variants(), bandit.controlVariant(), Status.PAUSED, bandit.startedAt(),
                bandit.primaryMetric(), bandit.minimumDetectableEffect(), bandit.guardrails(), bandit.lifecycle());
        assertThat(BanditRule.reallocate(paused, clearWin, Instant.now(), SETTINGS)).isEmpty();
        // a verdict on an earlier run of the experiment
        ExperimentVerdict earlierRun = Samples.verdict("bandit-1", STARTED.minusSeconds(600), 400,
                clearWin.treatments().getFirst());
        assertThat(BanditRule.reallocate(bandit, earlierRun, Instant.now(), SETTINGS)).isEmpty();
        // the arms are even and the split already is: nothing worth a record
        assertThat(BanditRule.reallocate(bandit, verdict(ExperimentMetric.SUCCESS_RATE, 0.8, 0.8, 50_000),
                Instant.now(), SETTINGS)).isEmpty();
    }

    @Test
    void theAuditTrailKeepsEveryStatusChangeButOnlyTheLatestReallocations() {
        ExperimentState state = experiment(Lifecycle.BANDIT, ExperimentMetric.SUCCESS_RATE, List.of());
        for (int i = 0; i < ExperimentTransitions.REALLOCATIONS_KEPT + 7; i++) {
            state = ExperimentTransitions.reallocate(state, Map.of("control", i % 2 == 0 ? 0.3 : 0.7, "concise",
                    i % 2 == 0 ? 0.7 : 0.3), BanditRule.ACTOR, "#" + i, Map.of(), Samples.NOW.plusSeconds(i));
        }
        List<Transition> audit = state.lifecycle().audit();
        assertThat(audit).hasSize(2 + ExperimentTransitions.REALLOCATIONS_KEPT);
        assertThat(audit.get(0).to()).isEqualTo(Status.DRAFT);
        assertThat(audit.get(1).to()).isEqualTo(Status.RUNNING);
        assertThat(audit.get(2).reason()).isEqualTo("#7");
        assertThat(audit.getLast().reason()).isEqualTo("#" + (ExperimentTransitions.REALLOCATIONS_KEPT + 6));
    }

    @Test
    void reallocatesAtMostOncePerInterval() {
        Instant last = Instant.now().minusSeconds(30);
        ExperimentState recently = experiment(Lifecycle.BANDIT, ExperimentMetric.SUCCESS_RATE,
                List.of(new Transition(last, Status.RUNNING, Status.RUNNING, BanditRule.ACTOR, "moved", Map.of())));
        ExperimentVerdict verdict = verdict(ExperimentMetric.SUCCESS_RATE, 0.80, 0.90, 400);
        assertThat(BanditRule.reallocate(recently, verdict, Instant.now(), SETTINGS)).isEmpty();
        Optional<BanditRule.Reallocation> later = BanditRule.reallocate(recently, verdict, last.plusSeconds(61),
                SETTINGS);
        assertThat(later).isPresent();
    }

    @Test
    void aBanditExperimentIsNeverPausedForASampleRatioMismatchButStillRolledBackByGuardrails() {
        ExperimentState bandit = experiment(Lifecycle.BANDIT, ExperimentMetric.SUCCESS_RATE, List.of());
        ExperimentVerdict srm = Samples.verdict("bandit-1", STARTED, 400, treatment("concise", Decision.SRM_ALERT,
                metric(ExperimentMetric.SUCCESS_RATE, 0.8, 0.9, 0.5, false, null)));
        assertThat(DecisionRules.decide(bandit, srm, Samples.computedEarlier(srm, 10))).isEmpty();
        ExperimentVerdict breach = Samples.verdict("bandit-1", STARTED, 400, treatment("concise",
                Decision.GUARDRAIL_BREACH, metric(ExperimentMetric.DEGRADED_RATE, 0.01, 0.3, 1e-6, true, 0.05)));
        assertThat(DecisionRules.decide(bandit, breach)).hasValueSatisfying(c ->
                assertThat(c.to()).isEqualTo(Status.ROLLED_BACK));
    }
}
