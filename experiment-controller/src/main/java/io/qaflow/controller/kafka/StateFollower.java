package io.qaflow.controller.kafka;

import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Reads the compacted {@code qa.experiments.v1} and {@code qa.prompts.v1} from the beginning on every start (every
 * partition assigned by hand, no consumer group, nothing committed) into the {@link ExperimentStore}, then follows
 * them. Once every partition reached the end offset it had at start, {@code beforeCaughtUp} runs (it seeds the
 * built-in prompt), then the store is caught up (the API serves) and {@code onCaughtUp} runs (it starts the verdict
 * consumer). Unreadable records are copied to the topic's dead-letter topic and skipped.
 */
public final class StateFollower implements SmartLifecycle {
    /** Before the verdict consumer (Spring Kafka containers run at MAX_VALUE - 100). */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(StateFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final List<Topic<String, ?>> TOPICS = List.of(Topics.EXPERIMENTS, Topics.PROMPTS);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final ExperimentStore store;
    private final KafkaOperations<String, Object> deadLetters;
    private final Runnable beforeCaughtUp;
    private final Runnable onCaughtUp;
    private final Duration pollTimeout;

    private volatile boolean running;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private Map<TopicPartition, Long> endAtStart;

    public StateFollower(Supplier<Consumer<String, byte[]>> consumers, ExperimentStore store,
                         KafkaOperations<String, Object> deadLetters, Runnable beforeCaughtUp, Runnable onCaughtUp,
                         Duration pollTimeout) {
        this.consumers = consumers;
        this.store = store;
        this.deadLetters = deadLetters;
        this.beforeCaughtUp = beforeCaughtUp;
        this.onCaughtUp = onCaughtUp;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("qaflow-controller-state").daemon(true).start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void run() {
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                if (running) {
                    log.error("state consumer woken up while running", e);
                }
            } catch (RuntimeException e) {
                log.error("state consumer failed; reconnecting in {} and resuming where it stopped", RETRY, e);
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(Consumer<String, byte[]> c) {
        List<TopicPartition> partitions = assignAll(c);
        for (TopicPartition partition : partitions) {
            Long next = resumeAt.get(partition);
            if (next == null) {
                c.seekToBeginning(List.of(partition));
            } else {
                c.seek(partition, next);
            }
        }
        if (endAtStart == null && running) {
            endAtStart = Map.copyOf(c.endOffsets(partitions));
            log.info("reading {} partitions of {} to rebuild the experiments", partitions.size(),
                    TOPICS.stream().map(Topic::name).toList());
        }
        while (running) {
            for (ConsumerRecord<String, byte[]> record : c.poll(pollTimeout)) {
                apply(record);
                resumeAt.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            if (!store.caughtUp() && reached(c)) {
                beforeCaughtUp.run();
                store.markCaughtUp();
                log.info("caught up: {} experiments", store.size());
                onCaughtUp.run();
            }
        }
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
            String deadLetterTopic = record.topic() + Topic.DEAD_LETTER_SUFFIX;
            log.warn("skipping unreadable {}-{}@{} (copied to {}): {}", record.topic(), record.partition(),
                    record.offset(), deadLetterTopic, e.toString());
            ProducerRecord<String, Object> copy = new ProducerRecord<>(deadLetterTopic, record.key(), record.value());
            copy.headers().add("qaflow.error", String.valueOf(e).getBytes(StandardCharsets.UTF_8));
            copy.headers().add("qaflow.source", (record.topic() + "-" + record.partition() + "@" + record.offset())
                    .getBytes(StandardCharsets.UTF_8));
            deadLetters.send(copy);
        }
    }

    private List<TopicPartition> assignAll(Consumer<String, byte[]> c) {
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<String, ?> topic : TOPICS) {
                List<PartitionInfo> infos = c.partitionsFor(topic.name(), METADATA_TIMEOUT);
                if (infos != null) {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (TOPICS.stream().allMatch(t -> partitions.stream().anyMatch(p -> p.topic().equals(t.name())))) {
                c.assign(partitions);
                return partitions;
            }
            log.warn("topics {} not all there yet; waiting for them to be created", TOPICS.stream()
                    .map(Topic::name).toList());
            pause();
        }
        return List.of();
    }

    private boolean reached(Consumer<String, byte[]> c) {
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (c.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
