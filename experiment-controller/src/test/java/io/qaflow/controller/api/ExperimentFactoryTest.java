package io.qaflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.controller.Samples;
import io.qaflow.controller.api.CreateExperimentRequest.ArmInput;
import io.qaflow.controller.api.CreateExperimentRequest.GuardrailInput;
import io.qaflow.controller.api.CreateExperimentRequest.SuccessCriteriaInput;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState;
import io.qaflow.web.FieldError;
import io.qaflow.web.ProblemException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ExperimentFactoryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ExperimentFactory factory = new ExperimentFactory(new Random(7));

    private static CreateExperimentRequest request(String allocation, int treatments) {
        List<ArmInput> arms = java.util.stream.IntStream.range(0, treatments)
                .mapToObj(i -> new ArmInput("t" + i, "2.0.0", "gpt-4o-mini", 5, 0.2)).toList();
        return new CreateExperimentRequest("Concise prompt: v2!", new ArmInput("control", "1.0.0", "gpt-4o-mini", 5, null),
                arms, allocation == null ? null : JSON.readTree(allocation), 2_000L, 0.1, "positive_feedback_rate",
                new SuccessCriteriaInput(0.02, 10.0, null),
                List.of(new GuardrailInput("DEGRADED_RATE", 0.05, false)), true, null, null);
    }

    private double[] weights(String allocation, int treatments) {
        return factory.draft(request(allocation, treatments), "user:ana", Samples.NOW).variants().stream()
                .mapToDouble(Arm::weight).toArray();
    }

    @Test
    void buildsADraftWithEveryField() {
        ExperimentState draft = factory.draft(request("\"80/20\"", 1), "user:ana", Samples.NOW);
        assertThat(draft.experimentId()).matches("concise-prompt-v2-[a-z0-9]{6}");
        assertThat(draft.status()).isEqualTo(ExperimentState.Status.DRAFT);
        assertThat(draft.controlVariant()).isEqualTo("control");
        assertThat(draft.allocation("control")).isEqualTo(0.8);
        assertThat(draft.primaryMetric()).isEqualTo(ExperimentMetric.POSITIVE_FEEDBACK_RATE);
        assertThat(draft.minimumDetectableEffect()).isEqualTo(0.1);
        assertThat(draft.guardrails()).containsExactly(
                new ExperimentState.Guardrail(ExperimentMetric.DEGRADED_RATE, 0.05, false));
        assertThat(draft.lifecycle().successCriteria())
                .isEqualTo(new ExperimentState.SuccessCriteria(0.02, 0.1, null));
        assertThat(draft.lifecycle().targetSampleSize()).isEqualTo(2_000);
        assertThat(draft.lifecycle().autoPromote()).isTrue();
        assertThat(draft.lifecycle().name()).isEqualTo("Concise prompt: v2!");
        assertThat(draft.lifecycle().allocationMode()).isEqualTo("FIXED");
        assertThat(draft.lifecycle().banditFloor()).isNull();
        assertThat(draft.variants()).extracting(Arm::temperature).containsExactly(null, 0.2);
        assertThat(draft.lifecycle().audit()).singleElement().satisfies(t -> {
            assertThat(t.actor()).isEqualTo("user:ana");
            assertThat(t.to()).isEqualTo(ExperimentState.Status.DRAFT);
        });
    }

    @Test
    void idsAreUniquePerCreation() {
        assertThat(factory.id("x")).isNotEqualTo(factory.id("x"));
        assertThat(factory.id("!!!")).startsWith("experiment-");
    }

    @Test
    void allocationPresetsCustomSharesAndWeights() {
        assertThat(weights(null, 2)).containsExactly(1, 1, 1);
        assertThat(weights("\"50/50\"", 1)).containsExactly(50, 50);
        assertThat(weights("\"95/5\"", 1)).containsExactly(95, 5);
        assertThat(weights("\"80/20\"", 2)).containsExactly(80, 10, 10);
        assertThat(weights("\"50/30/20\"", 2)).containsExactly(50, 30, 20);
        assertThat(weights("[3, 1]", 1)).containsExactly(3, 1);
    }

    @Test
    void badAllocationsAre400sNamingTheField() {
        for (String bad : List.of("\"half\"", "\"50/50/0\"", "[1, 2, 3]", "[1, \"2\"]", "{\"a\": 1}", "\"0/100\"")) {
            assertThatThrownBy(() -> weights(bad, 1), bad).isInstanceOfSatisfying(ProblemException.class,
                    e -> assertThat(e.problem().errors()).extracting(FieldError::field)
                            .allMatch(f -> f.startsWith("allocation")));
        }
    }

    @Test
    void duplicateVariantNamesAndUnknownMetricsAre400s() {
        var dup = new CreateExperimentRequest("x", new ArmInput("a", "1.0.0", "m", 5, null),
                List.of(new ArmInput("a", "1.0.0", "m", 5, null)), null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> factory.draft(dup, "user:a", Samples.NOW)).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.problem().errors().getFirst().field())
                        .isEqualTo("treatments[0].name"));
        var metric = new CreateExperimentRequest("x", new ArmInput("a", "1.0.0", "m", 5, null),
                List.of(new ArmInput("b", "1.0.0", "m", 5, null)), null, null, null, "speed", null, null, null, null, null);
        assertThatThrownBy(() -> factory.draft(metric, "user:a", Samples.NOW)).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.problem().errors().getFirst().field())
                        .isEqualTo("primaryMetric"));
    }

    private static CreateExperimentRequest bandit(String primaryMetric, Double floor, int treatments) {
        CreateExperimentRequest r = request(null, treatments);
        return new CreateExperimentRequest(r.name(), r.control(), r.treatments(), r.allocation(), r.targetSampleSize(),
                r.minimumDetectableEffect(), primaryMetric, r.successCriteria(), r.guardrails(), r.autoPromote(),
                "bandit", floor);
    }

    @Test
    void banditModeNeedsARatePrimaryMetricAndAFloorThatLeavesSomethingToAllocate() {
        ExperimentState draft = factory.draft(bandit("success_rate", null, 1), "user:ana", Samples.NOW);
        assertThat(draft.lifecycle().allocationMode()).isEqualTo("BANDIT");
        assertThat(draft.lifecycle().banditFloor()).isEqualTo(0.05);
        assertThat(factory.draft(bandit("degraded_rate", 0.2, 2), "user:ana", Samples.NOW).lifecycle().banditFloor())
                .isEqualTo(0.2);

        assertThatThrownBy(() -> factory.draft(bandit("p95_latency", null, 1), "user:a", Samples.NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors().getFirst()
                        .field()).isEqualTo("allocationMode"));
        assertThatThrownBy(() -> factory.draft(bandit("success_rate", 0.3, 3), "user:a", Samples.NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors().getFirst()
                        .field()).isEqualTo("banditFloor"));
        CreateExperimentRequest r = request(null, 1);
        CreateExperimentRequest floorWithoutBandit = new CreateExperimentRequest(r.name(), r.control(), r.treatments(),
                null, null, null, null, null, null, null, null, 0.1);
        assertThatThrownBy(() -> factory.draft(floorWithoutBandit, "user:a", Samples.NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors().getFirst()
                        .field()).isEqualTo("banditFloor"));
        CreateExperimentRequest unknownMode = new CreateExperimentRequest(r.name(), r.control(), r.treatments(),
                null, null, null, null, null, null, null, "greedy", null);
        assertThatThrownBy(() -> factory.draft(unknownMode, "user:a", Samples.NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors().getFirst()
                        .field()).isEqualTo("allocationMode"));
    }
}
