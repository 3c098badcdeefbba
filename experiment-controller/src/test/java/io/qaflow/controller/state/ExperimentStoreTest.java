package io.qaflow.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.controller.Samples;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Status;
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
}
