package io.qaflow.controller.kafka;

import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.kafka.CompactedTopicFollower;
import io.qaflow.kafka.CompactedTopicFollowers;
import io.qaflow.kafka.DeadLetters;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the compacted {@code qa.experiments.v1} and {@code qa.prompts.v1} from the beginning on every start (with a
 * {@link CompactedTopicFollower}) into the {@link ExperimentStore}, then follows them. Once every partition reached the
 * end offset it had at start, {@code beforeCaughtUp} runs (it seeds the built-in prompt), then the store is caught up
 * (the API serves) and {@code onCaughtUp} runs (it starts the verdict consumer). Unreadable records are copied to the
 * topic's dead-letter topic and skipped.
 */
public final class StateFollower implements SmartLifecycle {
    /** Before the verdict consumer (Spring Kafka containers run at MAX_VALUE - 100). */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(StateFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> TOPICS = List.of(Topics.EXPERIMENTS.name(), Topics.PROMPTS.name());

    private final ExperimentStore store;
    private final DeadLetters deadLetters;
    private final CompactedTopicFollower<String, byte[]> reader;

    public StateFollower(CompactedTopicFollowers followers, ExperimentStore store, DeadLetters deadLetters,
                         Runnable beforeCaughtUp, Runnable onCaughtUp, Duration pollTimeout) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.reader = followers.follow("qaflow-controller-state", List.of(Topics.EXPERIMENTS, Topics.PROMPTS),
                pollTimeout, 0, RETRY, new CompactedTopicFollower.Handler<>() {
                    @Override
                    public void onStart(long recordsAtStart) {
                        log.info("reading {} (up to {} records) to rebuild the experiments", TOPICS, recordsAtStart);
                    }

                    @Override
                    public void apply(List<ConsumerRecord<String, byte[]>> batch) {
                        batch.forEach(StateFollower.this::apply);
                    }

                    @Override
                    public void onCaughtUp() {
                        beforeCaughtUp.run();
                        store.markCaughtUp();
                        log.info("caught up: {} experiments", store.size());
                        onCaughtUp.run();
                    }
                });
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop(STOP_TIMEOUT);
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.key() == null || record.key().isBlank()) {
                throw new IllegalArgumentException("a record without a key");
            }
            if (record.topic().equals(Topics.EXPERIMENTS.name())) {
                var state = record.value() == null ? null
                        : Topics.EXPERIMENTS.valueSerde().deserialize(record.topic(), record.value());
                if (state != null && !state.experimentId().equals(record.key())) {
                    throw new IllegalArgumentException("key " + record.key() + " is not the experiment id");
                }
                store.applyRead(record.key(), state, record.offset());
            } else {
                store.applyPrompt(record.key(), record.value() == null ? null
                        : Topics.PROMPTS.valueSerde().deserialize(record.topic(), record.value()), record.offset());
            }
        } catch (RuntimeException e) {
            try {
                deadLetters.deadLetter(record, e);
            } catch (RuntimeException notParked) {
                // the state goes on from the next record of the key either way: following on matters more
                log.error("unreadable {}-{}@{} could not be dead-lettered", record.topic(), record.partition(),
                        record.offset(), notParked);
            }
        }
    }
}
