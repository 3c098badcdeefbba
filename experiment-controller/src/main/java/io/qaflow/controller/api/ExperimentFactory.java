package io.qaflow.controller.api;

import io.qaflow.controller.api.CreateExperimentRequest.ArmInput;
import io.qaflow.controller.api.CreateExperimentRequest.GuardrailInput;
import io.qaflow.controller.decision.BanditRule;
import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Guardrail;
import io.qaflow.model.ExperimentState.Lifecycle;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.SuccessCriteria;
import io.qaflow.model.ExperimentState.Transition;
import io.qaflow.model.ExperimentState;
import io.qaflow.web.ProblemException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Turns a validated create request into a DRAFT experiment: a generated id (slug of the name and a random suffix),
 * the arms with their weights, the criteria and the first audit entry. Problems are 400s naming the field. A DRAFT's
 * startedAt is its creation time (the record requires one); starting it sets the real start.
 */
public final class ExperimentFactory {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final RandomGenerator random;

    public ExperimentFactory(RandomGenerator random) {
        this.random = random;
    }

    public ExperimentState draft(CreateExperimentRequest request, String actor, Instant now) {
        List<ArmInput> inputs = new ArrayList<>();
        inputs.add(request.control());
        inputs.addAll(request.treatments());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (!names.add(inputs.get(i).name())) {
                throw ProblemException.invalid(i == 0 ? "control.name" : "treatments[" + (i - 1) + "].name",
                        "duplicates the variant name " + inputs.get(i).name());
            }
        }
        double[] weights = weights(request.allocation(), inputs.size());
        List<Arm> arms = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ArmInput in = inputs.get(i);
            arms.add(new Arm(in.name(), in.promptVersion(), in.model(), in.topK(), weights[i], in.temperature()));
        }
        ExperimentMetric primary = request.primaryMetric() == null ? ExperimentState.DEFAULT_PRIMARY_METRIC
                : metric(request.primaryMetric(), "primaryMetric");
        List<Guardrail> guardrails = new ArrayList<>();
        List<GuardrailInput> guardrailInputs = request.guardrails() == null ? List.of() : request.guardrails();
        for (int i = 0; i < guardrailInputs.size(); i++) {
            GuardrailInput g = guardrailInputs.get(i);
            guardrails.add(new Guardrail(metric(g.metric(), "guardrails[" + i + "].metric"), g.maxWorsening(),
                    g.relative() == null || g.relative()));
        }
        SuccessCriteria criteria = request.successCriteria() == null ? null : new SuccessCriteria(
                request.successCriteria().minImprovement(),
                percent(request.successCriteria().maxCostIncreasePct()),
                percent(request.successCriteria().maxP95LatencyIncreasePct()));
        String mode = allocationMode(request.allocationMode(), primary);
        Double floor = null;
        if (Lifecycle.BANDIT.equals(mode)) {
            floor = request.banditFloor() == null ? BanditRule.DEFAULT_FLOOR : request.banditFloor();
            if (floor * arms.size() >= 1) {
                throw ProblemException.invalid("banditFloor", "times the " + arms.size()
                        + " variants must stay below 1, was " + floor);
            }
        } else if (request.banditFloor() != null) {
            throw ProblemException.invalid("banditFloor", "applies to allocationMode bandit only");
        }
        String id = id(request.name());
        Lifecycle lifecycle = new Lifecycle(request.name(), request.targetSampleSize() == null ? 0 : request.targetSampleSize(),
                criteria, Boolean.TRUE.equals(request.autoPromote()), mode, floor, null, null,
                List.of(new Transition(now, null, Status.DRAFT, actor, "created: " + request.name(), Map.of())));
        return new ExperimentState(ExperimentState.SCHEMA_VERSION, EventIds.random(), now, id, arms,
                request.control().name(), Status.DRAFT, now, primary,
                request.minimumDetectableEffect() == null ? ExperimentState.DEFAULT_MINIMUM_DETECTABLE_EFFECT
                        : request.minimumDetectableEffect(), guardrails, lifecycle);
    }

    /** A slug of the name (lowercase letters, digits, '-', at most 40) and a random suffix of 6. */
    String id(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        StringBuilder id = new StringBuilder(slug.isEmpty() ? "experiment" : slug).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    static double[] weights(JsonNode allocation, int arms) {
        if (allocation == null || allocation.isNull()) {
            double[] equal = new double[arms];
            Arrays.fill(equal, 1.0);
            return equal;
        }
        double[] given;
        if (allocation.isString()) {
            String[] parts = allocation.asString().trim().split("/");
            given = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    given[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw invalidAllocation();
                }
            }
            if (given.length == 2 && arms > 2) { // control's share, the rest split evenly among the treatments
                double[] split = new double[arms];
                split[0] = given[0];
                Arrays.fill(split, 1, arms, given[1] / (arms - 1));
                given = split;
            }
        } else if (allocation.isArray()) {
            given = new double[allocation.size()];
            for (int i = 0; i < given.length; i++) {
                if (!allocation.get(i).isNumber()) {
                    throw ProblemException.invalid("allocation[" + i + "]", "must be a number");
                }
                given[i] = allocation.get(i).asDouble();
            }
        } else {
            throw invalidAllocation();
        }
        if (given.length != arms) {
            throw ProblemException.invalid("allocation", "must give one share per variant (" + arms
                    + ", control first), or two for control and treatments; got " + given.length);
        }
        for (double w : given) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw ProblemException.invalid("allocation", "every share must be a positive number");
            }
        }
        return given;
    }

    private static ProblemException invalidAllocation() {
        return ProblemException.invalid("allocation",
                "must be \"50/50\", \"80/20\", \"95/5\", shares like \"50/25/25\", or an array of weights");
    }

    private static String allocationMode(String value, ExperimentMetric primary) {
        if (value == null || value.equalsIgnoreCase(Lifecycle.FIXED)) {
            return Lifecycle.FIXED;
        }
        if (!value.equalsIgnoreCase(Lifecycle.BANDIT)) {
            throw ProblemException.invalid("allocationMode", "must be fixed or bandit");
        }
        if (!primary.isRate()) {
            throw ProblemException.invalid("allocationMode", "bandit needs a rate as primary metric (success_rate, "
                    + "degraded_rate or positive_feedback_rate), not " + primary.name().toLowerCase(Locale.ROOT));
        }
        return Lifecycle.BANDIT;
    }

    private static ExperimentMetric metric(String value, String field) {
        try {
            return ExperimentMetric.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "must be one of " + Arrays.toString(ExperimentMetric.values()));
        }
    }

    private static Double percent(Double pct) {
        return pct == null ? null : pct / 100.0;
    }
}
