package io.qaflow.controller.state;

import static io.qaflow.model.ExperimentState.Status.COMPLETED;
import static io.qaflow.model.ExperimentState.Status.DRAFT;
import static io.qaflow.model.ExperimentState.Status.PAUSED;
import static io.qaflow.model.ExperimentState.Status.PROMOTED;
import static io.qaflow.model.ExperimentState.Status.ROLLED_BACK;
import static io.qaflow.model.ExperimentState.Status.RUNNING;

import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Lifecycle;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The experiment lifecycle: DRAFT → RUNNING ⇄ PAUSED; RUNNING|PAUSED → COMPLETED → PROMOTED; RUNNING|PAUSED|COMPLETED
 * → ROLLED_BACK. PROMOTED, ROLLED_BACK and STOPPED are final (the controller never writes STOPPED; a record with it,
 * from another writer, is kept as it is). A pure function of the state and the change.
 */
public final class ExperimentTransitions {
    private static final Map<Status, Set<Status>> ALLOWED = Map.of(
            DRAFT, EnumSet.of(RUNNING),
            RUNNING, EnumSet.of(PAUSED, COMPLETED, ROLLED_BACK),
            PAUSED, EnumSet.of(RUNNING, COMPLETED, ROLLED_BACK),
            COMPLETED, EnumSet.of(PROMOTED, ROLLED_BACK));

    private ExperimentTransitions() {}

    public static Set<Status> allowedFrom(Status from) {
        return ALLOWED.getOrDefault(from, Set.of());
    }

    public static boolean allowed(Status from, Status to) {
        return allowedFrom(from).contains(to);
    }

    /**
     * The experiment after {@code change}, with the transition appended to its audit trail; a new event (new eventId,
     * occurredAt = now). Starting sets startedAt (statistics count from there); resuming keeps it.
     *
     * @throws InvalidTransitionException when the lifecycle does not allow the change from the current status
     */
    public static ExperimentState apply(ExperimentState state, Change change, Instant now) {
        if (!allowed(state.status(), change.to())) {
            throw new InvalidTransitionException(state.experimentId(), state.status(), change.to());
        }
        if (change.to() == COMPLETED && (change.winner() == null
                || state.variants().stream().noneMatch(a -> a.name().equals(change.winner())))) {
            throw new IllegalArgumentException("winner must be one of the experiment's variants, was "
                    + change.winner());
        }
        Lifecycle lifecycle = lifecycleOf(state);
        List<Transition> audit = new ArrayList<>(lifecycle.audit());
        audit.add(new Transition(now, state.status(), change.to(), change.actor(), change.reason(),
                change.figures()));
        String winner = change.to() == COMPLETED ? change.winner() : lifecycle.winner();
        String conclusion = change.conclusion() != null ? change.conclusion() : lifecycle.conclusion();
        Lifecycle next = new Lifecycle(lifecycle.name(), lifecycle.targetSampleSize(), lifecycle.successCriteria(),
                lifecycle.autoPromote(), lifecycle.allocationMode(), lifecycle.banditFloor(), winner, conclusion,
                audit);
        Instant startedAt = state.status() == DRAFT && change.to() == RUNNING ? now : state.startedAt();
        return new ExperimentState(ExperimentState.SCHEMA_VERSION, EventIds.random(), now, state.experimentId(),
                state.variants(), state.controlVariant(), change.to(), startedAt, state.primaryMetric(),
                state.minimumDetectableEffect(), state.guardrails(), next);
    }

    /** Reallocations kept on an audit trail: the latest ones; status changes are always all kept. */
    public static final int REALLOCATIONS_KEPT = 50;

    /**
     * A RUNNING experiment with new arm weights (what the bandit does), recorded on the audit trail as RUNNING →
     * RUNNING; everything else, startedAt included, stays. Only the latest {@link #REALLOCATIONS_KEPT} reallocations
     * stay on the trail, so a long bandit experiment's record stays small.
     *
     * @param weights the new weight of every arm, by name
     */
    public static ExperimentState reallocate(ExperimentState state, Map<String, Double> weights, String actor,
                                             String reason, Map<String, Double> figures, Instant now) {
        if (state.status() != RUNNING) {
            throw new InvalidTransitionException(state.experimentId(), state.status(), RUNNING);
        }
        List<ExperimentState.Arm> arms = state.variants().stream().map(arm -> {
            Double weight = weights.get(arm.name());
            if (weight == null) {
                throw new IllegalArgumentException("no new weight for arm " + arm.name());
            }
            return arm.withWeight(weight);
        }).toList();
        Lifecycle lifecycle = lifecycleOf(state);
        List<Transition> audit = new ArrayList<>(lifecycle.audit());
        audit.add(new Transition(now, RUNNING, RUNNING, actor, reason, figures));
        long reallocations = audit.stream().filter(ExperimentTransitions::isReallocation).count();
        for (int i = 0; i < audit.size() && reallocations > REALLOCATIONS_KEPT; ) {
            if (isReallocation(audit.get(i))) {
                audit.remove(i);
                reallocations--;
            } else {
                i++;
            }
        }
        Lifecycle next = new Lifecycle(lifecycle.name(), lifecycle.targetSampleSize(), lifecycle.successCriteria(),
                lifecycle.autoPromote(), lifecycle.allocationMode(), lifecycle.banditFloor(), lifecycle.winner(),
                lifecycle.conclusion(), audit);
        return new ExperimentState(ExperimentState.SCHEMA_VERSION, EventIds.random(), now, state.experimentId(), arms,
                state.controlVariant(), RUNNING, state.startedAt(), state.primaryMetric(),
                state.minimumDetectableEffect(), state.guardrails(), next);
    }

    private static boolean isReallocation(Transition t) {
        return t.from() == RUNNING && t.to() == RUNNING;
    }

    /** The lifecycle data of a state; defaults for records written without it. */
    public static Lifecycle lifecycleOf(ExperimentState state) {
        return state.lifecycle() != null ? state.lifecycle()
                : new Lifecycle(null, 0, null, false, Lifecycle.FIXED, null, null, null, List.of());
    }
}
