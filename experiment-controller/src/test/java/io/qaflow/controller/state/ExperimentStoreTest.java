package io.qaflow.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.controller.Samples;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.PromptVersion;
import org.junit.jupiter.api.Test;

class ExperimentStoreTest {
    private final ExperimentStore store = new ExperimentStore();
    private final ExperimentState running = Samples.running("e-1");
    private final ExperimentState paused = ExperimentTransitions.apply(running,
            Change.by("user:ana", Status.PAUSED, "p"), Samples.NOW);

    @Test
    void readingBackOwnEarlierStateDoesNotUndoALaterOne() {
        store.publishing(running.eventId());
        store.applyOwn(running);
        store.publishing(paused.eventId());
        store.applyOwn(paused);

        store.applyRead("e-1", running); // the echo of the first publish arrives after the second was applied
        assertThat(store.find("e-1")).contains(paused);
        store.applyRead("e-1", paused);
        assertThat(store.find("e-1")).contains(paused);
    }

    @Test
    void statesOfOtherWritersAndFailedPublishesThatLandedAreApplied() {
        store.applyRead("e-1", running);
        assertThat(store.find("e-1")).contains(running);

        store.publishing(paused.eventId());
        store.publishFailed(paused.eventId()); // timed out, yet written
        store.applyRead("e-1", paused);
        assertThat(store.find("e-1")).contains(paused);

        store.applyRead("e-1", null);
        assertThat(store.find("e-1")).isEmpty();
    }

    @Test
    void readingBackAnOwnEarlierDefaultDoesNotUndoALaterOne() {
        PromptVersion v1 = PromptVersion.of("qa-answer", "1.0.0", "", "{{context}} {{question}}", null, null, 2,
                Samples.NOW);
        PromptVersion v2 = PromptVersion.of("qa-answer", "2.0.0", "", "{{question}} {{context}}", null, null, 2,
                Samples.NOW);
        PromptVersion first = v1.asDefault(Samples.NOW);
        PromptVersion second = v2.asDefault(Samples.NOW);
        store.publishing(first.eventId());
        store.applyOwnPrompt("qa-answer", first);
        store.publishing(second.eventId());
        store.applyOwnPrompt("qa-answer", second);

        store.applyPrompt("qa-answer", first); // the echo of the first arrives after the second was applied
        assertThat(store.prompt("qa-answer")).contains(second);
        store.applyPrompt("qa-answer", second);
        assertThat(store.prompt("qa-answer")).contains(second);

        PromptVersion third = v1.asDefault(Samples.NOW); // another writer's
        store.applyPrompt("qa-answer", third);
        assertThat(store.prompt("qa-answer")).contains(third);
        assertThat(store.prompts()).containsOnlyKeys("qa-answer");
    }
}
