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
}
