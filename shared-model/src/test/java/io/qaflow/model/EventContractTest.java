package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
