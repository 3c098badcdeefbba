package io.qaflow.controller.state;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's memory of the compacted topics it follows: the latest state of every experiment and every prompt
 * record it has read (versions and defaults), and whether it has caught up with those topics since start.
 *
 * <p>Read-your-writes by log position: a record this instance published is applied as soon as the broker acknowledged
 * it, at its offset; a record read from the topic is applied unless this instance has already applied one of its own
 * for that key at a later offset. Records of one key share a partition, so the offset orders them: the echo of an own
 * write, and a write that timed out here yet landed before a later one, never undo a later state, while anything
 * written after the own write (by anyone) is applied.
 */
public final class ExperimentStore {
    private final ConcurrentHashMap<String, ExperimentState> experiments = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PromptVersion> prompts = new ConcurrentHashMap<>();
    /** Offset of the latest own write per experiment id and per prompt key. */
    private final ConcurrentHashMap<String, Long> ownExperimentOffsets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> ownPromptOffsets = new ConcurrentHashMap<>();
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

    /** A state this instance wrote and the broker acknowledged at {@code offset}. */
    public synchronized void applyOwn(ExperimentState state, long offset) {
        experiments.put(state.experimentId(), state);
        ownExperimentOffsets.merge(state.experimentId(), offset, Math::max);
    }

    /** A state read from the topic at {@code offset} (written by anyone); null value = tombstone. */
    public synchronized void applyRead(String experimentId, ExperimentState state, long offset) {
        if (offset < ownExperimentOffsets.getOrDefault(experimentId, -1L)) {
            return; // an own later write is already applied
        }
        if (state == null) {
            experiments.remove(experimentId);
        } else {
            experiments.put(experimentId, state);
        }
    }

    /** Every prompt record known, by key ({@code name@version} for versions, {@code name} for defaults). */
    public Map<String, PromptVersion> prompts() {
        return Map.copyOf(prompts);
    }

    /** A prompt record this instance wrote and the broker acknowledged at {@code offset}. */
    public synchronized void applyOwnPrompt(String key, PromptVersion prompt, long offset) {
        prompts.put(key, prompt);
        ownPromptOffsets.merge(key, offset, Math::max);
    }

    /** A prompt record read from the topic at {@code offset} (written by anyone); null value = tombstone. */
    public synchronized void applyPrompt(String key, PromptVersion prompt, long offset) {
        if (offset < ownPromptOffsets.getOrDefault(key, -1L)) {
            return;
        }
        if (prompt == null) {
            prompts.remove(key);
        } else {
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
