package io.qaflow.controller.decision;

import static io.qaflow.controller.Samples.STARTED;
import static io.qaflow.controller.Samples.metric;
import static io.qaflow.controller.Samples.treatment;
import static io.qaflow.controller.Samples.verdict;
import static io.qaflow.model.ExperimentMetric.COST_PER_REQUEST;
import static io.qaflow.model.ExperimentMetric.DEGRADED_RATE;
import static io.qaflow.model.ExperimentMetric.P95_LATENCY;
import static io.qaflow.model.ExperimentMetric.SUCCESS_RATE;
import static io.qaflow.model.ExperimentVerdict.Decision.GUARDRAIL_BREACH;
import static io.qaflow.model.ExperimentVerdict.Decision.INSUFFICIENT_DATA;
import static io.qaflow.model.ExperimentVerdict.Decision.NO_DIFFERENCE;
import static io.qaflow.model.ExperimentVerdict.Decision.SRM_ALERT;
import static io.qaflow.model.ExperimentVerdict.Decision.TREATMENT_BETTER;
import static io.qaflow.model.ExperimentVerdict.Decision.TREATMENT_WORSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.controller.Samples;
import java.time.Instant;
import io.qaflow.controller.state.Change;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.SuccessCriteria;
import io.qaflow.model.ExperimentVerdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DecisionRulesTest {
    private static final ExperimentState RUNNING = Samples.running("exp-1");

    /** concise: success rate 0.80 -> 0.85 (+6.25%), cost +5%, p95 +10%: meets (0.02, 10%, 20%). */
    private static ExperimentVerdict.TreatmentVerdict winning(String variant, double treatmentSuccess) {
        return treatment(variant, TREATMENT_BETTER,
                metric(SUCCESS_RATE, 0.80, treatmentSuccess, 0.001, false, null),
                metric(P95_LATENCY, 1000, 1100, 0.2, false, null),
                metric(COST_PER_REQUEST, 0.0020, 0.0021, 0.3, false, null));
    }

    @Test
    void aGuardrailBreachRollsBackWithTheVerdictFigures() {
        ExperimentVerdict verdict = verdict("exp-1", STARTED, 2_000,
                treatment("concise", GUARDRAIL_BREACH, metric(SUCCESS_RATE, 0.80, 0.56, 0.3, false, null),
                        metric(DEGRADED_RATE, 0.01, 0.30, 0.0001, true, 0.05)),
                winning("top10", 0.9));

        Change change = DecisionRules.decide(RUNNING, verdict).orElseThrow();

        assertThat(change.to()).isEqualTo(Status.ROLLED_BACK);
        assertThat(change.actor()).isEqualTo("rule:guardrail");
        assertThat(change.reason()).contains("concise", "degraded_rate", "0.3000", "0.01000", "threshold 0.05000");
        assertThat(change.figures())
                .containsEntry("concise.degraded_rate.treatment", 0.30)
                .containsEntry("concise.degraded_rate.control", 0.01)
                .containsEntry("concise.degraded_rate.p", 0.0001)
                .containsEntry("concise.degraded_rate.threshold", 0.05)
                .containsKeys("concise.degraded_rate.effect", "concise.degraded_rate.p_fixed")
                .doesNotContainKey("concise.success_rate.treatment");
        assertThat(change.figures().get("concise.degraded_rate.effect")).isCloseTo(0.29, within(1e-9));
    }

    @Test
    void aSampleRatioMismatchInTwoVerdictsInARowPausesWithTheSrmFigures() {
        ExperimentVerdict first = Samples.computedEarlier(verdict("exp-1", STARTED, 1_900,
                treatment("concise", SRM_ALERT), winning("top10", 0.9)), 10);
        ExperimentVerdict verdict = verdict("exp-1", STARTED, 2_000, treatment("concise", SRM_ALERT),
                winning("top10", 0.9));
        assertThat(DecisionRules.decide(RUNNING, first, null)).as("one mismatch alone: counts caught mid-flight")
                .isEmpty();
        ExperimentVerdict fine = Samples.computedEarlier(verdict("exp-1", STARTED, 1_950,
                treatment("concise", NO_DIFFERENCE)), 5);
        assertThat(DecisionRules.decide(RUNNING, verdict, fine)).isEmpty();

        Change change = DecisionRules.decide(RUNNING, verdict, first).orElseThrow();

        assertThat(change.to()).isEqualTo(Status.PAUSED);
        assertThat(change.actor()).isEqualTo("rule:srm");
        assertThat(change.reason()).contains("sample-ratio mismatch");
        assertThat(change.figures()).containsEntry("srm.p", 0.5).containsEntry("control.requests", 2_000.0)
                .containsKey("concise.expected_share");
    }

    /** RUNNING again after a rule paused it for SRM and a person resumed it at {@code resumedAt}. */
    private static ExperimentState resumedAfterAnSrmPause(Instant pausedAt, Instant resumedAt, String resumedBy) {
        var lifecycle = RUNNING.lifecycle();
        var audit = new java.util.ArrayList<>(lifecycle.audit());
        audit.add(new ExperimentState.Transition(STARTED, Status.DRAFT, Status.RUNNING, "user:ana", "started",
                java.util.Map.of()));
        audit.add(new ExperimentState.Transition(pausedAt, Status.RUNNING, Status.PAUSED, "rule:srm", "mismatch",
                java.util.Map.of("srm.p", 1e-6)));
        audit.add(new ExperimentState.Transition(resumedAt, Status.PAUSED, Status.RUNNING, resumedBy, "fixed routing",
                java.util.Map.of()));
        return new ExperimentState(RUNNING.schemaVersion(), RUNNING.eventId(), resumedAt, RUNNING.experimentId(),
                RUNNING.variants(), RUNNING.controlVariant(), Status.RUNNING, RUNNING.startedAt(),
                RUNNING.primaryMetric(), RUNNING.minimumDetectableEffect(), RUNNING.guardrails(),
                new ExperimentState.Lifecycle(lifecycle.name(), lifecycle.targetSampleSize(), lifecycle.successCriteria(),
                        lifecycle.autoPromote(), lifecycle.allocationMode(), null, null, null, audit));
    }

    @Test
    void anSrmAlertIsNotRaisedAgainAfterAPersonResumedButGuardrailsStillApply() {
        Instant now = Samples.NOW;
        ExperimentState resumed = resumedAfterAnSrmPause(now.minusSeconds(120), now.minusSeconds(60), "user:ana");
        ExperimentVerdict stillMismatched = verdict("exp-1", STARTED, 2_000, treatment("concise", SRM_ALERT));

        assertThat(DecisionRules.decide(resumed, stillMismatched, Samples.computedEarlier(stillMismatched, 10)))
                .isEmpty();
        ExperimentVerdict breach = verdict("exp-1", STARTED, 2_000, treatment("concise",
                ExperimentVerdict.Decision.GUARDRAIL_BREACH, metric(ExperimentMetric.DEGRADED_RATE, 0.0, 0.3, 1e-6,
                        true, 0.05)));
        assertThat(DecisionRules.decide(resumed, breach).orElseThrow().to()).isEqualTo(Status.ROLLED_BACK);
    }

    @Test
    void aVerdictComputedBeforeTheLastTransitionChangesNothing() {
        Instant now = Samples.NOW;
        ExperimentState resumedLater = resumedAfterAnSrmPause(now.minusSeconds(120),
                Instant.now().plusSeconds(3600), "user:ana");
        ExperimentVerdict older = verdict("exp-1", STARTED, 2_000, winning("concise", 0.9));

        assertThat(DecisionRules.decide(resumedLater, older)).isEmpty();
    }

    @Test
    void aSignificantWinMeetingTheCriteriaCompletesWithThatWinner() {
        Change change = DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 1_000,
                treatment("concise", NO_DIFFERENCE), winning("top10", 0.88))).orElseThrow();

        assertThat(change.to()).isEqualTo(Status.COMPLETED);
        assertThat(change.actor()).isEqualTo("rule:success");
        assertThat(change.winner()).isEqualTo("top10");
        assertThat(change.conclusion()).contains("top10", "+10.0%");
        assertThat(change.figures()).containsEntry("top10.success_rate.treatment", 0.88)
                .containsEntry("top10.success_rate.p", 0.001)
                .containsEntry("top10.requests", 1_000.0);
        assertThat(change.figures().get("top10.cost_per_request.relative_effect")).isCloseTo(0.05, within(1e-9));
    }

    @Test
    void theLargestImprovementWinsAmongSeveral() {
        Change change = DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000,
                winning("concise", 0.84), winning("top10", 0.88))).orElseThrow();
        assertThat(change.winner()).isEqualTo("top10");
    }

    @Test
    void aWinBelowTheMinimumImprovementChangesNothing() {
        // +1.25% < 2%
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, winning("concise", 0.81))))
                .isEmpty();
    }

    @Test
    void aWinBelowTheTargetSampleSizeChangesNothing() {
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 999, winning("concise", 0.9)))).isEmpty();
    }

    @Test
    void aWinThatCostsTooMuchMoreChangesNothing() {
        var costly = treatment("concise", TREATMENT_BETTER, metric(SUCCESS_RATE, 0.80, 0.90, 0.001, false, null),
                metric(COST_PER_REQUEST, 0.0020, 0.0023, 0.01, false, null)); // +15% > 10%
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, costly))).isEmpty();
    }

    @Test
    void aWinThatIsTooMuchSlowerChangesNothing() {
        var slow = treatment("concise", TREATMENT_BETTER, metric(SUCCESS_RATE, 0.80, 0.90, 0.001, false, null),
                metric(P95_LATENCY, 1000, 1300, 0.01, false, null)); // +30% > 20%
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, slow))).isEmpty();
    }

    @Test
    void withoutCriteriaAnySignificantImprovementWinsAndMissingLimitFiguresPass() {
        ExperimentState lenient = Samples.experiment("exp-1", Status.RUNNING, 0, null, false, SUCCESS_RATE);
        var onlyPrimary = treatment("concise", TREATMENT_BETTER, metric(SUCCESS_RATE, 0.80, 0.805, 0.01, false, null));
        assertThat(DecisionRules.decide(lenient, verdict("exp-1", STARTED, 10, onlyPrimary)))
                .map(Change::winner).contains("concise");
    }

    @Test
    void forALowerIsBetterPrimaryMetricADecreaseIsTheImprovement() {
        ExperimentState latency = Samples.experiment("exp-1", Status.RUNNING, 0, new SuccessCriteria(0.1, null, null),
                false, ExperimentMetric.MEAN_LATENCY);
        var faster = treatment("concise", TREATMENT_BETTER,
                metric(ExperimentMetric.MEAN_LATENCY, 1000, 800, 0.001, false, null)); // -20%
        var slightlyFaster = treatment("top10", TREATMENT_BETTER,
                metric(ExperimentMetric.MEAN_LATENCY, 1000, 950, 0.001, false, null)); // -5% < 10%
        assertThat(DecisionRules.decide(latency, verdict("exp-1", STARTED, 10, faster, slightlyFaster)))
                .map(Change::winner).contains("concise");
        assertThat(DecisionRules.decide(latency, verdict("exp-1", STARTED, 10, slightlyFaster))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ExperimentVerdict.Decision.class, names = {"INSUFFICIENT_DATA", "NO_DIFFERENCE",
            "TREATMENT_WORSE"})
    void otherDecisionsChangeNothing(ExperimentVerdict.Decision decision) {
        var t = treatment("concise", decision, metric(SUCCESS_RATE, 0.80, 0.90, 0.001, false, null));
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, t))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = "RUNNING", mode = EnumSource.Mode.EXCLUDE)
    void onlyARunningExperimentIsDecided(Status status) {
        ExperimentState notRunning = Samples.experiment("exp-1", status, 0, null, false, SUCCESS_RATE);
        var breach = treatment("concise", GUARDRAIL_BREACH, metric(DEGRADED_RATE, 0.0, 0.3, 0.001, true, 0.05));
        assertThat(DecisionRules.decide(notRunning, verdict("exp-1", STARTED, 5_000, breach))).isEmpty();
    }

    @Test
    void aVerdictOnAnEarlierRunOrAnotherExperimentIsIgnored() {
        var breach = treatment("concise", GUARDRAIL_BREACH, metric(DEGRADED_RATE, 0.0, 0.3, 0.001, true, 0.05));
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED.minusSeconds(1), 5_000, breach))).isEmpty();
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-2", STARTED, 5_000, breach))).isEmpty();
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, breach))).isPresent();
    }

    @Test
    void aBreachWithoutAFlaggedMetricShowsThePrimaryMetricFigures() {
        var breach = treatment("concise", GUARDRAIL_BREACH, metric(SUCCESS_RATE, 0.8, 0.5, 0.001, false, null));
        Optional<Change> change = DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, breach));
        assertThat(change).get().satisfies(c -> assertThat(c.figures())
                .containsEntry("concise.success_rate.treatment", 0.5));
    }

    @Test
    void insufficientDataNeverDecides() {
        var t = treatment("concise", INSUFFICIENT_DATA, metric(SUCCESS_RATE, 0.80, 0.90, 0.9, false, null));
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5, t))).isEmpty();
        var worse = treatment("concise", TREATMENT_WORSE, metric(SUCCESS_RATE, 0.80, 0.60, 0.001, false, null));
        assertThat(DecisionRules.decide(RUNNING, verdict("exp-1", STARTED, 5_000, worse))).isEmpty();
    }
}
