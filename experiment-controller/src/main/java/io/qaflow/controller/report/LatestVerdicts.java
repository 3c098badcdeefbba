package io.qaflow.controller.report;

import io.qaflow.model.ExperimentVerdict;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The latest verdict the controller consumed per experiment, in memory, for the report. */
public final class LatestVerdicts {
    private final Map<String, ExperimentVerdict> byExperiment = new ConcurrentHashMap<>();

    /** Keeps the verdict unless one computed later is already held (a replayed older record changes nothing). */
    public void record(ExperimentVerdict verdict) {
        byExperiment.merge(verdict.experimentId(), verdict,
                (held, next) -> next.occurredAt().isBefore(held.occurredAt()) ? held : next);
    }

    public Optional<ExperimentVerdict> find(String experimentId) {
        return Optional.ofNullable(byExperiment.get(experimentId));
    }
}
