package io.qaflow.metrics.topology;

import io.qaflow.model.ExperimentState;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fills the global store of experiment definitions from the compacted {@code qa.experiments.v1}: every instance
 * holds all of them (there are few), so the verdicts read allocation, control, start and guardrails locally.
 */
final class ExperimentDefinitions implements Processor<String, ExperimentState, Void, Void> {
    static final String STORE = "experiment-definitions";

    private KeyValueStore<String, ExperimentState> definitions;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        definitions = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ExperimentState> record) {
        if (record.value() == null) {
            definitions.delete(record.key());
        } else {
            definitions.put(record.key(), record.value());
        }
    }
}
