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
        store.applyOwn(running, 10);
        store.applyOwn(paused, 11);

        store.applyRead("e-1", running, 10); // the echo of the first publish arrives after the second was applied
        assertThat(store.find("e-1")).contains(paused);
        store.applyRead("e-1", paused, 11);
        assertThat(store.find("e-1")).contains(paused);
    }

    @Test
    void aPublishThatTimedOutYetLandedBeforeALaterOneDoesNotOverwriteIt() {
        store.applyRead("e-1", running, 3);
        // "pause" timed out here but was written at 4; the retried "pause" was acknowledged at 5, then ended
        ExperimentState completed = ExperimentTransitions.apply(paused, new Change(Status.COMPLETED, "user:ana",
                "done", null, "control", "c"), Samples.NOW);
        store.applyOwn(completed, 6);
        store.applyRead("e-1", paused, 4);
        assertThat(store.find("e-1")).contains(completed);
    }

    @Test
    void anOwnWriteAcknowledgedAfterALaterRecordOfAnotherWriterWasReadDoesNotUndoIt() {
        store.applyRead("e-1", running, 10); // the echo of our own write, read before our ack came back
        ExperimentState pausedByAnother = ExperimentTransitions.apply(running,
                Change.by("user:bo", Status.PAUSED, "p"), Samples.NOW);
        store.applyRead("e-1", pausedByAnother, 11);
        store.applyOwn(running, 10); // the ack of offset 10 arrives now
        assertThat(store.find("e-1")).contains(pausedByAnother);
    }

    @Test
    void statesOfOtherWritersAreApplied() {
        store.applyRead("e-1", running, 0);
        assertThat(store.find("e-1")).contains(running);
        store.applyOwn(paused, 1);
        ExperimentState resumedByAnother = ExperimentTransitions.apply(paused,
                Change.by("user:bo", Status.RUNNING, "r"), Samples.NOW);
        store.applyRead("e-1", paused, 1);
        store.applyRead("e-1", resumedByAnother, 2); // written after ours: applied
        assertThat(store.find("e-1")).contains(resumedByAnother);

        store.applyRead("e-1", null, 3);
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
        store.applyOwnPrompt("qa-answer", first, 20);
        store.applyOwnPrompt("qa-answer", second, 21);

        store.applyPrompt("qa-answer", first, 20); // the echo of the first arrives after the second was applied
        assertThat(store.prompt("qa-answer")).contains(second);
        store.applyPrompt("qa-answer", second, 21);
        assertThat(store.prompt("qa-answer")).contains(second);

        PromptVersion third = v1.asDefault(Samples.NOW); // another writer's, later
        store.applyPrompt("qa-answer", third, 22);
        assertThat(store.prompt("qa-answer")).contains(third);
        assertThat(store.prompts()).containsOnlyKeys("qa-answer");
    }
}
