package io.qaflow.controller.state;

import static io.qaflow.model.ExperimentState.Status.COMPLETED;
import static io.qaflow.model.ExperimentState.Status.DRAFT;
import static io.qaflow.model.ExperimentState.Status.PAUSED;
import static io.qaflow.model.ExperimentState.Status.PROMOTED;
import static io.qaflow.model.ExperimentState.Status.ROLLED_BACK;
import static io.qaflow.model.ExperimentState.Status.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.controller.Samples;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.ExperimentState.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExperimentTransitionsTest {
    private static final Instant LATER = Samples.NOW.plusSeconds(60);
    private static final Map<Status, Set<Status>> VALID = Map.of(
            DRAFT, EnumSet.of(RUNNING),
            RUNNING, EnumSet.of(PAUSED, COMPLETED, ROLLED_BACK),
            PAUSED, EnumSet.of(RUNNING, COMPLETED, ROLLED_BACK),
            COMPLETED, EnumSet.of(PROMOTED, ROLLED_BACK));

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (Status from : Status.values()) {
            for (Status to : Status.values()) {
                pairs.add(Arguments.of(from, to, VALID.getOrDefault(from, Set.of()).contains(to)));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}: valid={2}")
    @MethodSource("everyPair")
    void everyTransitionIsAllowedOrRefusedAsTheLifecycleSays(Status from, Status to, boolean valid) {
        ExperimentState state = Samples.experiment("e-1", from, 0, null, false, ExperimentMetric.SUCCESS_RATE);
        Change change = new Change(to, "user:ana", "because", Map.of("x", 1.0), "concise", null);
        if (valid) {
            ExperimentState next = ExperimentTransitions.apply(state, change, LATER);
            assertThat(next.status()).isEqualTo(to);
            assertThat(next.eventId()).isNotEqualTo(state.eventId());
            assertThat(next.occurredAt()).isEqualTo(LATER);
            List<Transition> audit = next.lifecycle().audit();
            assertThat(audit).hasSize(state.lifecycle().audit().size() + 1);
            assertThat(audit.getLast()).isEqualTo(new Transition(LATER, from, to, "user:ana", "because",
                    Map.of("x", 1.0)));
        } else {
            assertThatThrownBy(() -> ExperimentTransitions.apply(state, change, LATER))
                    .isInstanceOfSatisfying(InvalidTransitionException.class, e -> {
                        assertThat(e.current()).isEqualTo(from);
                        assertThat(e.requested()).isEqualTo(to);
                        assertThat(e.getMessage()).contains("is " + from);
                    });
        }
    }

    @Test
    void startingSetsStartedAtAndResumingKeepsIt() {
        ExperimentState draft = Samples.experiment("e-1", DRAFT, 0, null, false, ExperimentMetric.SUCCESS_RATE);
        ExperimentState running = ExperimentTransitions.apply(draft, Change.by("user:ana", RUNNING, "go"), LATER);
        assertThat(running.startedAt()).isEqualTo(LATER);
        ExperimentState paused = ExperimentTransitions.apply(running, Change.by("user:ana", PAUSED, "p"),
                LATER.plusSeconds(5));
        ExperimentState resumed = ExperimentTransitions.apply(paused, Change.by("user:ana", RUNNING, "r"),
                LATER.plusSeconds(10));
        assertThat(resumed.startedAt()).isEqualTo(LATER);
        assertThat(resumed.lifecycle().audit()).extracting(Transition::to)
                .containsExactly(DRAFT, RUNNING, PAUSED, RUNNING);
    }

    @Test
    void completingRecordsTheWinnerAndConclusionWhichPromotionKeeps() {
        ExperimentState running = Samples.running("e-1");
        ExperimentState completed = ExperimentTransitions.apply(running,
                new Change(COMPLETED, "user:ana", "done", null, "concise", "concise is better"), LATER);
        assertThat(completed.lifecycle().winner()).isEqualTo("concise");
        assertThat(completed.lifecycle().conclusion()).isEqualTo("concise is better");
        ExperimentState promoted = ExperimentTransitions.apply(completed, Change.by("user:ana", PROMOTED, "ship"),
                LATER);
        assertThat(promoted.lifecycle().winner()).isEqualTo("concise");
        assertThat(promoted.lifecycle().conclusion()).isEqualTo("concise is better");
        assertThat(promoted.lifecycle().successCriteria()).isEqualTo(running.lifecycle().successCriteria());
    }

    @Test
    void completingNeedsAWinnerAmongTheVariants() {
        ExperimentState running = Samples.running("e-1");
        assertThatThrownBy(() -> ExperimentTransitions.apply(running,
                new Change(COMPLETED, "user:ana", "done", null, "nobody", null), LATER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
        assertThatThrownBy(() -> ExperimentTransitions.apply(running,
                new Change(COMPLETED, "user:ana", "done", null, null, null), LATER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStateWrittenWithoutLifecycleGetsOneOnItsFirstTransition() {
        ExperimentState bare = ExperimentState.of("e-2", Samples.running("x").variants(), "control", RUNNING,
                Samples.STARTED, Samples.NOW);
        ExperimentState paused = ExperimentTransitions.apply(bare, Change.by("user:ana", PAUSED, "p"), LATER);
        assertThat(paused.lifecycle().audit()).singleElement()
                .satisfies(t -> assertThat(t.from()).isEqualTo(RUNNING));
    }
}
