package io.qaflow.metrics.topology;

import io.qaflow.metrics.verdict.ArmSummary;
import io.qaflow.metrics.verdict.VerdictCalculator;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest cumulative aggregate of every variant of an experiment (input keyed by experiment id) and, every
 * verdict interval, recomputes the verdict of each experiment whose figures changed: one look of the sequential
 * tests, continued from the previous verdict in {@link #VERDICT_STORE}. Experiments without a definition on
 * {@code qa.experiments.v1} (the {@code default} experiment among them) get no verdict: there is no control to
 * compare with.
 */
final class VerdictPublisher implements Processor<String, VariantAggregate, String, ExperimentVerdict> {
    static final String ARMS_STORE = "experiment-arms";
    static final String VERDICT_STORE = "experiment-verdicts";

    private final Duration interval;
    private final VerdictCalculator calculator;
    private final Set<String> changed = new LinkedHashSet<>();
    private ProcessorContext<String, ExperimentVerdict> context;
    private KeyValueStore<String, VariantAggregate> arms;
    private KeyValueStore<String, ExperimentVerdict> verdicts;
    private KeyValueStore<String, ExperimentState> experiments;

    VerdictPublisher(Duration interval, VerdictCalculator calculator) {
        this.interval = interval;
        this.calculator = calculator;
    }

    @Override
    public void init(ProcessorContext<String, ExperimentVerdict> context) {
        this.context = context;
        this.arms = context.getStateStore(ARMS_STORE);
        this.verdicts = context.getStateStore(VERDICT_STORE);
        this.experiments = context.getStateStore(ExperimentDefinitions.STORE);
        // what changed before a restart is not known: one more look at every experiment is harmless (the sequential
        // test is valid at any number of looks), a verdict left stale after the last update is not
        changed.clear();
        try (var all = arms.all()) {
            all.forEachRemaining(entry -> changed.add(entry.value.experimentId()));
        }
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> publish(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, VariantAggregate> record) {
        VariantAggregate cumulative = record.value();
        arms.put(cumulative.groupKey(), cumulative);
        changed.add(record.key());
    }

    private void publish(Instant now) {
        for (var pending = changed.iterator(); pending.hasNext(); ) {
            String experimentId = pending.next();
            ExperimentState experiment = experiments.get(experimentId);
            if (experiment == null) {
                continue; // kept: its definition may arrive after its first figures
            }
            ExperimentVerdict verdict = calculator.compute(experiment, armsOf(experimentId),
                    verdicts.get(experimentId), now);
            verdicts.put(experimentId, verdict);
            context.forward(new Record<>(experimentId, verdict, now.toEpochMilli()));
            pending.remove();
        }
    }

    private Map<String, ArmSummary> armsOf(String experimentId) {
        Map<String, ArmSummary> summaries = new HashMap<>();
        try (var iterator = arms.prefixScan(experimentId + "/", new StringSerializer())) {
            iterator.forEachRemaining(entry -> {
                if (entry.value.experimentId().equals(experimentId)) { // not an experiment "<id>/..." sharing the prefix
                    summaries.put(entry.value.variant(), entry.value.toArmSummary());
                }
            });
        }
        return summaries;
    }
}
