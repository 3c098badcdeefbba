package io.qaflow.gateway.experiments;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.PromptVersion;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway knows of experiments and prompts: the latest record of every experiment and each prompt name's
 * default version. Written by {@link CatalogReader} (one thread), read by every request.
 *
 * <p>When several experiments are RUNNING, the one started earliest (then the smallest id, so every replica picks the
 * same) gets all traffic; the others get none until it ends. One running experiment at a time is the supported case:
 * splitting a user between concurrent experiments would let one experiment's change leak into the other's comparison.
 */
public final class ExperimentCatalog {
    private static final Comparator<ExperimentState> EARLIEST_STARTED =
            Comparator.comparing(ExperimentState::startedAt).thenComparing(ExperimentState::experimentId);

    private final Map<String, ExperimentState> experiments = new ConcurrentHashMap<>();
    private final Map<String, PromptVersion> defaultPrompts = new ConcurrentHashMap<>();
    private volatile Optional<ExperimentState> active = Optional.empty();

    /** The latest record of an experiment; null forgets it. */
    public synchronized void experiment(String experimentId, ExperimentState state) {
        if (state == null) {
            experiments.remove(experimentId);
        } else {
            experiments.put(experimentId, state);
        }
        active = running().stream().findFirst();
    }

    /** The default version of a prompt name (the record under {@code PromptVersion.defaultKey(name)}); null forgets it. */
    public void defaultPrompt(String name, PromptVersion version) {
        if (version == null) {
            defaultPrompts.remove(name);
        } else {
            defaultPrompts.put(name, version);
        }
    }

    /** The experiment that gets the traffic: the earliest started of the RUNNING ones. */
    public Optional<ExperimentState> activeExperiment() {
        return active;
    }

    /** Every RUNNING experiment, earliest started first. */
    public List<ExperimentState> running() {
        return experiments.values().stream().filter(ExperimentState::isRunning).sorted(EARLIEST_STARTED).toList();
    }

    public Map<String, ExperimentState> experiments() {
        return Map.copyOf(experiments);
    }

    /** The published default version of a prompt name, if one was published. */
    public Optional<String> defaultPromptVersion(String name) {
        return Optional.ofNullable(defaultPrompts.get(name)).map(PromptVersion::version);
    }

    public Map<String, String> defaultPromptVersions() {
        Map<String, String> versions = new java.util.TreeMap<>();
        defaultPrompts.forEach((name, version) -> versions.put(name, version.version()));
        return versions;
    }
}
