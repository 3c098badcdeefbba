package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * The current definition of one experiment, on the compacted {@code qa.experiments.v1} (key: experimentId). The
 * latest record per key is the experiment's state; the gateway allocates requests to {@link #variants} by weight.
 *
 * @param controlVariant the name of the variant every treatment is compared with; one of {@link #variants}
 * @param startedAt when traffic started to flow to the experiment; cumulative statistics count from here
 */
public record ExperimentState(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String experimentId,
        List<Arm> variants,
        String controlVariant,
        Status status,
        Instant startedAt) implements Event {

    public static final int SCHEMA_VERSION = 1;

    public ExperimentState {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(experimentId, "experimentId");
        variants = List.copyOf(notNull(variants, "variants"));
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one variant");
        }
        var names = new HashSet<String>();
        for (Arm arm : variants) {
            if (!names.add(notNull(arm, "variant").name())) {
                throw new IllegalArgumentException("duplicate variant name " + arm.name());
            }
        }
        notBlank(controlVariant, "controlVariant");
        if (!names.contains(controlVariant)) {
            throw new IllegalArgumentException("control variant " + controlVariant + " is not one of " + names);
        }
        notNull(status, "status");
        notNull(startedAt, "startedAt");
    }

    public static ExperimentState of(String experimentId, List<Arm> variants, String controlVariant, Status status,
                                     Instant startedAt, Instant now) {
        return new ExperimentState(SCHEMA_VERSION, EventIds.random(), now, experimentId, variants, controlVariant,
                status, startedAt);
    }

    /** The share of traffic each variant is configured to get, in the order of {@link #variants}. */
    public double allocation(String variantName) {
        double total = variants.stream().mapToDouble(Arm::weight).sum();
        return variants.stream().filter(a -> a.name().equals(variantName)).mapToDouble(Arm::weight).sum() / total;
    }

    /** One arm of an experiment: the configuration its requests run with and its relative traffic weight. */
    public record Arm(String name, String promptVersion, String model, int topK, double weight) {
        public Arm {
            notBlank(name, "name");
            notBlank(promptVersion, "promptVersion");
            notBlank(model, "model");
            if (topK < 1 || topK > 50) {
                throw new IllegalArgumentException("topK must be in 1..50, was " + topK);
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight must be a positive number, was " + weight);
            }
        }
    }

    public enum Status {
        DRAFT,
        RUNNING,
        PAUSED,
        STOPPED
    }
}
