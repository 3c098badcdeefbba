package io.qaflow.controller.state;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's memory of the compacted topics it follows: the latest state of every experiment and every prompt
 * record it has read (versions and defaults), and whether it has caught up with those topics since start.
 *
 * <p>Memory follows the log's order per key, whoever wrote: a record this instance published is applied as soon as
 * the broker acknowledged it, at its offset, and a record read from the topic when it is read; either is skipped when
 * a record of that key at a later offset is already applied. Records of one key share a partition, so the offset
 * orders them: the echo of an own write, a write that timed out here yet landed before a later one, and an own write
 * acknowledged after the follower already applied a later record of another writer never undo a later state.
 */
public final class ExperimentStore {
    private final ConcurrentHashMap<String, ExperimentState> experiments = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PromptVersion> prompts = new ConcurrentHashMap<>();
    /** Offset of the latest record applied per experiment id and per prompt key (own or read). */
    private final Map<String, Long> experimentOffsets = new HashMap<>();
    private final Map<String, Long> promptOffsets = new HashMap<>();
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
        applyExperiment(state.experimentId(), state, offset);
    }

    /** A state read from the topic at {@code offset} (written by anyone); null value = tombstone. */
    public synchronized void applyRead(String experimentId, ExperimentState state, long offset) {
        applyExperiment(experimentId, state, offset);
    }

    private void applyExperiment(String experimentId, ExperimentState state, long offset) {
        if (!advances(experimentOffsets, experimentId, offset)) {
            return; // a later record of this experiment is already applied
        }
        if (state == null) {
            experiments.remove(experimentId);
        } else {
            experiments.put(experimentId, state);
        }
    }

    /** Records {@code offset} as the key's latest when it is not older than the one applied; whether it was not. */
    private static boolean advances(Map<String, Long> offsets, String key, long offset) {
        Long applied = offsets.get(key);
        if (applied != null && offset < applied) {
            return false;
        }
        offsets.put(key, offset);
        return true;
    }

    /** Every prompt record known, by key ({@code name@version} for versions, {@code name} for defaults). */
    public Map<String, PromptVersion> prompts() {
        return Map.copyOf(prompts);
    }

    /** A prompt record this instance wrote and the broker acknowledged at {@code offset}. */
    public synchronized void applyOwnPrompt(String key, PromptVersion prompt, long offset) {
        applyPrompt(key, prompt, offset);
    }

    /** A prompt record read from the topic at {@code offset} (written by anyone); null value = tombstone. */
    public synchronized void applyPrompt(String key, PromptVersion prompt, long offset) {
        if (!advances(promptOffsets, key, offset)) {
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
