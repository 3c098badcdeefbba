package io.qaflow.gateway.experiments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.gateway.requests.VariantResolver;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.Variant;
import io.qaflow.model.VariantAssignment;
import java.util.Optional;

/**
 * Puts each new request into the running experiment, or runs it with the defaults.
 * <ul>
 *   <li>Inside an experiment (see {@link ExperimentCatalog#activeExperiment()}): the unit is the user id when given,
 *   else the request id, and {@link VariantAssignment} picks its arm; the request runs with the arm's prompt version,
 *   model and topK. A caller's topK is ignored there: arms differ in topK on purpose, and callers choosing their own
 *   would mix configurations inside an arm and blur the comparison.</li>
 *   <li>Outside: {@link Variant#defaults} with the caller's topK (or 5), and the prompt version currently published as
 *   the default of {@link Variant#DEFAULT_PROMPT} on qa.prompts.v1 ({@link Variant#DEFAULT_PROMPT_VERSION} while none
 *   is), so a new default applies to the next request without a restart.</li>
 * </ul>
 * Counts {@code qa.experiment.assignments{experiment,variant}} (experiment "default", variant "control" outside).
 */
public final class ExperimentVariantResolver implements VariantResolver {
    private final ExperimentCatalog catalog;
    private final MeterRegistry registry;

    public ExperimentVariantResolver(ExperimentCatalog catalog, MeterRegistry registry) {
        this.catalog = catalog;
        this.registry = registry;
    }

    @Override
    public Variant resolve(String requestId, String userId, Integer requestedTopK) {
        Optional<ExperimentState> experiment = catalog.activeExperiment();
        Variant variant = experiment.isPresent()
                ? inExperiment(experiment.get(), userId != null && !userId.isBlank() ? userId : requestId)
                : outsideExperiments(requestedTopK);
        Counter.builder("qa.experiment.assignments")
                .description("new requests by the experiment and variant they were assigned to")
                .tag("experiment", variant.experimentId())
                .tag("variant", variant.variant())
                .register(registry)
                .increment();
        return variant;
    }

    private static Variant inExperiment(ExperimentState experiment, String unit) {
        ExperimentState.Arm arm = VariantAssignment.assign(experiment, unit);
        return new Variant(experiment.experimentId(), arm.name(), Variant.DEFAULT_PROMPT, arm.promptVersion(),
                arm.model(), arm.topK(), arm.temperature());
    }

    private Variant outsideExperiments(Integer requestedTopK) {
        String promptVersion = catalog.defaultPromptVersion(Variant.DEFAULT_PROMPT)
                .orElse(Variant.DEFAULT_PROMPT_VERSION);
        return new Variant(Variant.DEFAULT_EXPERIMENT, Variant.CONTROL, Variant.DEFAULT_PROMPT, promptVersion,
                Variant.AUTO_MODEL, requestedTopK != null ? requestedTopK : Variant.DEFAULT_TOP_K);
    }
}
