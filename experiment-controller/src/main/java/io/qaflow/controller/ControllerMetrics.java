package io.qaflow.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.ExperimentState.Status;
import java.util.Locale;

/**
 * The controller's meters: {@code qa.experiment.transitions{to, actor_kind=user|rule}}, {@code qa.experiment.verdicts},
 * {@code qa.experiment.reallocations},
 * {@code qa.prompts.registered}, {@code qa.prompts.default_changes{cause}}.
 */
public final class ControllerMetrics {
    private final MeterRegistry registry;
    private final Counter reallocations;

    public ControllerMetrics(MeterRegistry registry) {
        this.registry = registry;
        // registered at 0, so increase() over the dashboard's window counts the first reallocation too
        this.reallocations = Counter.builder("qa.experiment.reallocations")
                .description("weight changes of BANDIT experiments by Thompson sampling").register(registry);
    }

    public void transition(Status to, String actor) {
        Counter.builder("qa.experiment.transitions")
                .description("experiment status changes, by target status and kind of actor")
                .tag("to", to.name().toLowerCase(Locale.ROOT))
                .tag("actor_kind", actor.startsWith("rule:") ? "rule" : "user")
                .register(registry).increment();
    }

    /**
     * @param outcome {@code acted}, {@code no_action}, {@code skipped} (unknown or not running), {@code stale} (too old
     *        to act on), {@code failed}
     */
    public void verdict(String outcome) {
        Counter.builder("qa.experiment.verdicts").description("verdicts read, by what the controller did")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void reallocation() {
        reallocations.increment();
    }

    public void promptRegistered() {
        Counter.builder("qa.prompts.registered").description("prompt versions registered on qa.prompts.v1")
                .register(registry).increment();
    }

    /** @param cause {@code first_version}, {@code request}, {@code promotion} or {@code seed} */
    public void promptDefaultChanged(String cause) {
        Counter.builder("qa.prompts.default_changes").description("changes of a prompt name's default version")
                .tag("cause", cause).register(registry).increment();
    }
}
