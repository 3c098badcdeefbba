package io.qaflow.controller.state;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's memory of the compacted topics it follows: the latest state of every experiment and every prompt
 * record it has read (versions and defaults), and whether it has caught up with those topics since start.
 */
public final class ExperimentStore {
    private final ConcurrentHashMap<String, ExperimentState> experiments = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PromptVersion> prompts = new ConcurrentHashMap<>();
    /** eventIds of states and prompt records this instance published and has not read back yet (not re-applied). */
    private final Set<String> ownInFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean caughtUp;

    public Optional<ExperimentState> find(String experimentId) {
        return Optional.ofNullable(experiments.get(experimentId));
    }

    public List<ExperimentState> all() {
        return experiments.values().stream().sorted(Comparator.comparing(ExperimentState::experimentId)).toList();
    }

    public Optional<PromptVersion> prompt(String key) {
        return Optional.ofNullable(prompts.get(key));
    }

    /** A state this instance wrote and the broker acknowledged. */
    public void applyOwn(ExperimentState state) {
        experiments.put(state.experimentId(), state);
    }

    /** Notes a state about to be published, so that reading it back does not re-apply it over a later one. */
    public void publishing(String eventId) {
        ownInFlight.add(eventId);
    }

    /** A publish that failed or timed out: if it landed after all, reading it back applies it. */
    public void publishFailed(String eventId) {
        ownInFlight.remove(eventId);
    }

    /** A state read from the topic (written by anyone); null value = tombstone. */
    public void applyRead(String experimentId, ExperimentState state) {
        if (state == null) {
            experiments.remove(experimentId);
        } else if (!ownInFlight.remove(state.eventId())) {
            experiments.put(experimentId, state);
        }
    }

    /** Every prompt record known, by key ({@code name@version} for versions, {@code name} for defaults). */
    public Map<String, PromptVersion> prompts() {
        return Map.copyOf(prompts);
    }

    /** A prompt record this instance wrote and the broker acknowledged (announced with {@link #publishing}). */
    public void applyOwnPrompt(String key, PromptVersion prompt) {
        prompts.put(key, prompt);
    }

    /** A prompt record read from the topic (written by anyone); the echo of an own write is not re-applied. */
    public void applyPrompt(String key, PromptVersion prompt) {
        if (prompt == null) {
            prompts.remove(key);
        } else if (!ownInFlight.remove(prompt.eventId())) {
            prompts.put(key, prompt);
        }
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    public void markCaughtUp() {
        caughtUp = true;
    }

    public int size() {
        return experiments.size();
    }
}
