package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.model.kafka.Json;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventContractTest {
    @Test
    void eventsCopyTheirListsSoTheyStayImmutable() {
        List<SourceChunk> chunks = new ArrayList<>(List.of(SampleEvents.CHUNK));
        ContextRetrieved event = ContextRetrieved.of(SampleEvents.questionAsked(), chunks, "v", 1, 1, SampleEvents.NOW);
        chunks.clear();
        assertThat(event.chunks()).hasSize(1);
        assertThatThrownBy(() -> event.chunks().add(SampleEvents.CHUNK)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void variantsRejectTopKOutsideTheApiRange() {
        assertThatThrownBy(() -> Variant.defaults(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Variant.defaults(51)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void progressIsOnlyForNonTerminalWorkStages() {
        assertThatThrownBy(() -> RequestProgressed.of("r", RequestStatus.ANSWERED, SampleEvents.NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expiryIsDecidedByTheDeadline() {
        QuestionAsked asked = SampleEvents.questionAsked();
        assertThat(asked.isExpiredAt(asked.deadline().minusMillis(1))).isFalse();
        assertThat(asked.isExpiredAt(asked.deadline())).isTrue();
    }

    @Test
    void experimentsNeedTheirControlAmongUniquelyNamedVariantsWithPositiveWeights() {
        var control = new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "m", 5, 1);
        var start = SampleEvents.NOW;
        assertThatThrownBy(() -> ExperimentState.of("e", List.of(control), "treatment", ExperimentState.Status.RUNNING,
                start, start)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExperimentState.of("e", List.of(control, control), Variant.CONTROL,
                ExperimentState.Status.RUNNING, start, start)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExperimentState.Arm("t", "1.0.0", "m", 5, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SampleEvents.experimentState().allocation("concise")).isEqualTo(0.5);
    }

    @Test
    void variantStatsAreKeyedByExperimentVariantAndWindowOrCumulative() {
        VariantStats stats = SampleEvents.variantStats();
        assertThat(stats.key()).isEqualTo("prompt-v2/concise/2026-11-23T12:00:00Z");
        assertThat(VariantStats.key("default", "control", null)).isEqualTo("default/control/cumulative");
        assertThatThrownBy(() -> stats.failedByCode().put(FailureCode.INTERNAL, 1L))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void experimentsDefaultToSuccessRateFivePercentAndNoGuardrails() {
        ExperimentState state = SampleEvents.experimentState();
        assertThat(state.primaryMetric()).isEqualTo(ExperimentMetric.SUCCESS_RATE);
        assertThat(state.minimumDetectableEffect()).isEqualTo(0.05);
        assertThat(state.guardrails()).isEmpty();
        assertThat(state.treatmentVariants()).containsExactly("concise");

        ExperimentState nulls = new ExperimentState(1, "e", state.occurredAt(), "x", state.variants(), Variant.CONTROL,
                ExperimentState.Status.RUNNING, state.startedAt(), null, 0.1, null);
        assertThat(nulls.primaryMetric()).isEqualTo(ExperimentMetric.SUCCESS_RATE);
        assertThat(nulls.minimumDetectableEffect()).isEqualTo(0.1);
        assertThat(nulls.guardrails()).isEmpty();
    }

    @Test
    void experimentsRejectANegativeMinimumDetectableEffectAndNegativeGuardrails() {
        ExperimentState s = SampleEvents.experimentState();
        assertThatThrownBy(() -> ExperimentState.of("e", s.variants(), Variant.CONTROL, s.status(), s.startedAt(),
                ExperimentMetric.MEAN_LATENCY, -0.05, List.of(), s.occurredAt()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimumDetectableEffect");
        assertThatThrownBy(() -> new ExperimentState.Guardrail(ExperimentMetric.P95_LATENCY, -1, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void experimentRecordsWrittenBeforeTheVerdictFieldsReadWithTheDefaults() {
        ExperimentState written = SampleEvents.experimentState();
        var json = (tools.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
                Topics.EXPERIMENTS.valueSerde().serialize("t", written));
        json.remove(List.of("primaryMetric", "minimumDetectableEffect", "guardrails"));
        byte[] old = Json.MAPPER.writeValueAsBytes(json);
        assertThat(new String(old, StandardCharsets.UTF_8)).doesNotContain("primaryMetric", "minimumDetectable");

        ExperimentState read = Topics.EXPERIMENTS.valueSerde().deserialize("t", old);

        assertThat(read).isEqualTo(written);
    }

    @Test
    void guardrailThresholdsAreRelativeToTheControlOrAbsolute() {
        assertThat(new ExperimentState.Guardrail(ExperimentMetric.P95_LATENCY, 0.1, true).threshold(-800))
                .isCloseTo(80, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(new ExperimentState.Guardrail(ExperimentMetric.SUCCESS_RATE, 0.02, false).threshold(0.8))
                .isEqualTo(0.02);
        assertThat(ExperimentMetric.SUCCESS_RATE.higherIsBetter()).isTrue();
        assertThat(ExperimentMetric.POSITIVE_FEEDBACK_RATE.higherIsBetter()).isTrue();
        assertThat(ExperimentMetric.P95_LATENCY.higherIsBetter()).isFalse();
        assertThat(ExperimentMetric.DEGRADED_RATE.higherIsBetter()).isFalse();
    }

    @Test
    void verdictsRejectNonFiniteFigures() {
        assertThatThrownBy(() -> new ExperimentVerdict.MetricVerdict(ExperimentMetric.MEAN_LATENCY, 1, 1, 1.0, 2.0,
                1.0, Double.NaN, null, null, null, null, null, null, null, null, false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExperimentVerdict.Bounds(0, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        ExperimentVerdict verdict = SampleEvents.experimentVerdict();
        assertThat(verdict.key()).isEqualTo("prompt-v2");
        assertThat(verdict.treatment("concise").metric(ExperimentMetric.SUCCESS_RATE).controlCount()).isEqualTo(5_210);
    }
}
