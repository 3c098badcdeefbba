package io.qaflow.controller;

import io.qaflow.controller.decision.BanditRule;
import io.qaflow.controller.decision.DecisionRules;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.state.Change;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.controller.state.ExperimentTransitions;
import io.qaflow.controller.state.InvalidTransitionException;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of an experiment: checked against the lifecycle, published to {@code qa.experiments.v1} and
 * acknowledged, then applied in memory. Changes are serialized by one lock (people and the verdict consumer change
 * experiments rarely; the lock is held while the broker acknowledges, at most the publish timeout). Blocking.
 */
public final class ExperimentService {
    private static final Logger log = LoggerFactory.getLogger(ExperimentService.class);

    private final ExperimentStore store;
    private final EventPublisher publisher;
    private final PromptRegistry prompts;
    private final ControllerMetrics metrics;
    private final Clock clock;
    private final BanditRule.Settings bandit;
    private final Duration verdictMaxAge;
    private final Object lock = new Object();

    /**
     * @param verdictMaxAge a verdict computed longer ago than this decides nothing: figures that old (a consumer
     *        catching up after an outage, an aggregator that stopped) may no longer describe the experiment
     */
    public ExperimentService(ExperimentStore store, EventPublisher publisher, PromptRegistry prompts,
                             ControllerMetrics metrics, Clock clock, BanditRule.Settings bandit,
                             Duration verdictMaxAge) {
        this.store = store;
        this.publisher = publisher;
        this.prompts = prompts;
        this.metrics = metrics;
        this.clock = clock;
        this.bandit = bandit;
        this.verdictMaxAge = verdictMaxAge;
    }

    public ExperimentState get(String experimentId) {
        ready();
        return store.find(experimentId).orElseThrow(() -> new UnknownExperimentException(experimentId));
    }

    public List<ExperimentState> list(Optional<Status> status) {
        ready();
        return store.all().stream().filter(e -> status.map(s -> e.status() == s).orElse(true)).toList();
    }

    /** Publishes a new DRAFT (built by the API from the request). */
    public ExperimentState create(ExperimentState draft) {
        ready();
        synchronized (lock) {
            if (store.find(draft.experimentId()).isPresent()) {
                throw new IllegalStateException("experiment id " + draft.experimentId() + " already exists");
            }
            publish(draft);
            metrics.transition(Status.DRAFT, ExperimentTransitions.lifecycleOf(draft).audit().getFirst().actor());
            return draft;
        }
    }

    /**
     * @throws AnotherExperimentRunningException when the change would start or resume an experiment while another
     *     one is RUNNING: the gateway sends traffic to one experiment at a time, so a second would get none
     */
    public ExperimentState transition(String experimentId, Change change) {
        ready();
        synchronized (lock) {
            ExperimentState current = get(experimentId);
            if (change.to() == Status.RUNNING && current.status() != Status.RUNNING) {
                Optional<ExperimentState> running = store.all().stream()
                        .filter(e -> e.isRunning() && !e.experimentId().equals(experimentId)).findFirst();
                if (running.isPresent()) {
                    throw new AnotherExperimentRunningException(current, running.get().experimentId());
                }
            }
            return apply(current, change);
        }
    }

    /**
     * COMPLETED → PROMOTED: the winner's prompt version becomes the default of {@link Variant#DEFAULT_PROMPT} (a copy
     * of its version record under the name's default key on {@code qa.prompts.v1}), then the experiment is PROMOTED.
     */
    public ExperimentState promote(String experimentId, String actor, String reason) {
        ready();
        synchronized (lock) {
            return promote(get(experimentId), actor, reason);
        }
    }

    /**
     * Applies the automatic decision a verdict calls for, if any. A verdict on an unknown experiment, or one that is
     * not RUNNING (it already left that status: decided before, or by a person), changes nothing.
     *
     * @param previous the verdict on the same experiment consumed before this one, or null
     */
    public Optional<ExperimentState> decide(ExperimentVerdict verdict, ExperimentVerdict previous) {
        synchronized (lock) {
            Optional<ExperimentState> current = store.find(verdict.experimentId());
            if (current.isPresent() && awaitsItsAutoPromotion(current.get())) {
                // completed by the success rule, then the promotion failed (a crash or a failed publish in between):
                // the next verdict finishes it
                metrics.verdict("acted");
                return Optional.of(autoPromote(current.get()));
            }
            if (current.isEmpty() || current.get().status() != Status.RUNNING) {
                metrics.verdict("skipped");
                return Optional.empty();
            }
            Duration age = Duration.between(verdict.occurredAt(), clock.instant());
            if (age.compareTo(verdictMaxAge) > 0) {
                metrics.verdict("stale");
                log.warn("verdict for experiment {} computed {} ago (over {}): no automatic decision on it",
                        verdict.experimentId(), age.withNanos(0), verdictMaxAge);
                return Optional.empty();
            }
            Optional<Change> change = DecisionRules.decide(current.get(), verdict, previous);
            if (change.isEmpty()) {
                return reallocate(current.get(), verdict);
            }
            ExperimentState next = apply(current.get(), change.get());
            metrics.verdict("acted");
            if (change.get().to() == Status.PAUSED) {
                log.warn("ALERT experiment {} paused by {}: {}", next.experimentId(), change.get().actor(),
                        change.get().reason());
            } else {
                log.info("experiment {} {} by {}: {}", next.experimentId(), next.status(), change.get().actor(),
                        change.get().reason());
            }
            if (awaitsItsAutoPromotion(next)) {
                next = autoPromote(next);
            }
            return Optional.of(next);
        }
    }

    /** BANDIT mode: new weights when Thompson sampling moved them enough (see {@link BanditRule}). */
    private Optional<ExperimentState> reallocate(ExperimentState current, ExperimentVerdict verdict) {
        var now = clock.instant();
        Optional<BanditRule.Reallocation> reallocation = BanditRule.reallocate(current, verdict, now, bandit);
        if (reallocation.isEmpty()) {
            metrics.verdict("no_action");
            return Optional.empty();
        }
        ExperimentState next = ExperimentTransitions.reallocate(current, reallocation.get().weights(),
                BanditRule.ACTOR, reallocation.get().reason(), reallocation.get().figures(), now);
        publish(next);
        metrics.verdict("acted");
        metrics.reallocation();
        log.info("experiment {} reallocated by {}: {}", next.experimentId(), BanditRule.ACTOR,
                reallocation.get().reason());
        return Optional.of(next);
    }

    /** COMPLETED by the success rule with auto-promote on, not promoted yet. */
    private static boolean awaitsItsAutoPromotion(ExperimentState state) {
        if (state.status() != Status.COMPLETED || state.lifecycle() == null || !state.lifecycle().autoPromote()) {
            return false;
        }
        var audit = state.lifecycle().audit();
        return !audit.isEmpty() && DecisionRules.SUCCESS.equals(audit.getLast().actor());
    }

    private ExperimentState autoPromote(ExperimentState completed) {
        try {
            return promote(completed, DecisionRules.SUCCESS, "auto-promote: " + completed.lifecycle().conclusion());
        } catch (UnknownPromptVersionException e) {
            log.warn("experiment {} completed but not promoted: {}", completed.experimentId(), e.getMessage());
            return completed;
        }
    }

    private ExperimentState promote(ExperimentState current, String actor, String reason) {
        if (!ExperimentTransitions.allowed(current.status(), Status.PROMOTED)) {
            throw new InvalidTransitionException(current.experimentId(), current.status(), Status.PROMOTED);
        }
        String winner = current.lifecycle().winner();
        Arm arm = current.variants().stream().filter(a -> a.name().equals(winner)).findFirst().orElseThrow();
        String versionKey = PromptVersion.versionKey(Variant.DEFAULT_PROMPT, arm.promptVersion());
        if (!prompts.isRegistered(Variant.DEFAULT_PROMPT, arm.promptVersion())) {
            throw new UnknownPromptVersionException(current.experimentId(), current.status().name(), versionKey);
        }
        prompts.makeDefault(Variant.DEFAULT_PROMPT, arm.promptVersion(), "promotion");
        return apply(current, Change.by(actor, Status.PROMOTED, reason + " (" + versionKey
                + " is now the default of " + Variant.DEFAULT_PROMPT + ")"));
    }

    private ExperimentState apply(ExperimentState current, Change change) {
        ExperimentState next = ExperimentTransitions.apply(current, change, clock.instant());
        publish(next);
        metrics.transition(next.status(), change.actor());
        return next;
    }

    private void publish(ExperimentState state) {
        store.applyOwn(state, publisher.publishAndAwait(Topics.EXPERIMENTS, state.experimentId(), state).offset());
    }

    private void ready() {
        if (!store.caughtUp()) {
            throw new NotReadyException();
        }
    }

    public static final class UnknownExperimentException extends RuntimeException {
        private final String experimentId;

        public UnknownExperimentException(String experimentId) {
            super("unknown experiment " + experimentId, null, false, false);
            this.experimentId = experimentId;
        }

        public String experimentId() {
            return experimentId;
        }
    }

    public static final class UnknownPromptVersionException extends RuntimeException {
        private final String experimentId;
        private final String status;
        private final String versionKey;

        public UnknownPromptVersionException(String experimentId, String status, String versionKey) {
            super("the winner's prompt version " + versionKey + " has not been published on the prompt topic; "
                    + "register it first", null, false, false);
            this.experimentId = experimentId;
            this.status = status;
            this.versionKey = versionKey;
        }

        public String experimentId() {
            return experimentId;
        }

        public String status() {
            return status;
        }

        public String versionKey() {
            return versionKey;
        }
    }

    public static final class AnotherExperimentRunningException extends RuntimeException {
        private final String experimentId;
        private final String status;
        private final String runningExperimentId;

        public AnotherExperimentRunningException(ExperimentState experiment, String runningExperimentId) {
            super("experiment " + runningExperimentId + " is running; the gateway sends traffic to one experiment at "
                    + "a time, so pause, complete or roll it back before starting " + experiment.experimentId(), null,
                    false, false);
            this.experimentId = experiment.experimentId();
            this.status = experiment.status().name();
            this.runningExperimentId = runningExperimentId;
        }

        public String experimentId() {
            return experimentId;
        }

        public String status() {
            return status;
        }

        public String runningExperimentId() {
            return runningExperimentId;
        }
    }

    public static final class NotReadyException extends RuntimeException {
        public NotReadyException() {
            super("the controller is still reading the experiment and prompt topics; retry shortly", null, false,
                    false);
        }
    }
}
