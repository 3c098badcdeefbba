package io.qaflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompactedTopicFollowerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    private final RecordingHandler handler = new RecordingHandler();
    private CompactedTopicFollower<String, String> reader;

    @AfterEach
    void stop() {
        if (reader != null) {
            reader.stop(WAIT);
            assertThat(reader.isRunning()).isFalse();
        }
    }

    @Test
    void anEmptyTopicIsCaughtUpBeforeTheFirstPoll() {
        IdleMockConsumer consumer = consumer(Map.of(A0, 0L), Map.of(A0, 0L));
        handler.onCaughtUp = () -> handler.polledBeforeCaughtUp = consumer.lastPollTimeout() != null;
        reader = reader(List.of("a"), consumer);

        reader.start();

        await().atMost(WAIT).until(reader::caughtUp);
        assertThat(handler.polledBeforeCaughtUp).isFalse();
        assertThat(handler.recordsAtStart).containsExactly(0L);
    }

    @Test
    void readsEveryPartitionOfEveryTopicFromTheBeginningAndCatchesUpAtTheEndOffsetsOfTheFirstConnection() {
        IdleMockConsumer consumer = consumer(Map.of(A0, 5L, A1, 0L, B0, 0L), Map.of(A0, 7L, A1, 1L, B0, 1L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(A0, 5));
            consumer.addRecord(record(A0, 6));
            consumer.addRecord(record(A1, 0));
        });
        consumer.scheduleNopPollTask();
        consumer.schedulePollTask(() -> consumer.addRecord(record(B0, 0)));
        reader = reader(List.of("a", "b"), consumer);

        reader.start();

        await().atMost(WAIT).until(reader::caughtUp);
        assertThat(handler.recordsAtStart).containsExactly(4L);
        assertThat(reader.recordsAtStart()).isEqualTo(4);
        assertThat(handler.applied).containsExactlyInAnyOrder("a-0@5", "a-0@6", "a-1@0", "b-0@0");
        assertThat(handler.appliedWhenCaughtUp).isEqualTo(4);
        assertThat(handler.caughtUpCalls).hasValue(1);
    }

    @Test
    void afterAFailureANewConsumerResumesAfterTheLastAppliedBatch() {
        IdleMockConsumer first = consumer(Map.of(A0, 0L), Map.of(A0, 2L));
        first.schedulePollTask(() -> {
            first.addRecord(record(A0, 0));
            first.addRecord(record(A0, 1));
        });
        first.schedulePollTask(() -> first.setPollException(new KafkaException("broker gone")));
        IdleMockConsumer second = consumer(Map.of(A0, 0L), Map.of(A0, 3L));
        // the whole partition is there again; only what follows the applied batch may be read
        second.schedulePollTask(() -> {
            second.addRecord(record(A0, 0));
            second.addRecord(record(A0, 1));
            second.addRecord(record(A0, 2));
        });
        reader = reader(List.of("a"), first, second);

        reader.start();

        await().atMost(WAIT).until(() -> handler.applied.size() >= 3);
        assertThat(handler.applied).containsExactly("a-0@0", "a-0@1", "a-0@2");
        assertThat(handler.failures).singleElement().satisfies(e -> assertThat(e).hasMessage("broker gone"));
        assertThat(handler.recordsAtStart).as("end offsets taken at the first connection only").containsExactly(2L);
        assertThat(handler.caughtUpCalls).hasValue(1);
        assertThat(second.position(A0)).isEqualTo(3);
    }

    @Test
    void waitsForTopicsThatDoNotExistYet() {
        IdleMockConsumer consumer = consumer(Map.of(A0, 0L), Map.of(A0, 1L));
        reader = reader(List.of("a", "b"), consumer);

        reader.start();

        await().atMost(WAIT).until(() -> "no partitions yet for [b]".equals(reader.lastError()));
        assertThat(reader.caughtUp()).isFalse();
        consumer.updateBeginningOffsets(Map.of(B0, 0L));
        consumer.updateEndOffsets(Map.of(B0, 0L));
        consumer.schedulePollTask(() -> consumer.addRecord(record(A0, 0)));
        consumer.updatePartitions("b", List.of(partitionInfo(B0)));

        await().atMost(WAIT).until(reader::caughtUp);
        assertThat(handler.applied).containsExactly("a-0@0");
        assertThat(reader.lastError()).isNull();
    }

    @Test
    void stopEndsTheThreadAndWakesUpThePoll() {
        IdleMockConsumer consumer = consumer(Map.of(A0, 0L), Map.of(A0, 0L));
        reader = reader(List.of("a"), consumer);
        reader.start();
        await().atMost(WAIT).until(reader::caughtUp);

        reader.stopAndAwaitTermination();

        assertThat(reader.isRunning()).isFalse();
        assertThat(consumer.closed()).isTrue();
        assertThat(handler.failures).isEmpty();
    }

    private CompactedTopicFollower<String, String> reader(List<String> topics, IdleMockConsumer... consumers) {
        Deque<Consumer<String, String>> queue = new ArrayDeque<>(List.of(consumers));
        return new CompactedTopicFollower<>("compacted-topic-reader-test", topics, queue::removeFirst,
                Duration.ofMillis(10), Duration.ofMillis(20), handler);
    }

    /** A mock consumer whose partitions and offsets are known; records are added from poll tasks, once assigned. */
    private static IdleMockConsumer consumer(Map<TopicPartition, Long> beginning, Map<TopicPartition, Long> end) {
        IdleMockConsumer consumer = new IdleMockConsumer();
        beginning.keySet().stream().map(TopicPartition::topic).distinct().forEach(topic -> consumer.updatePartitions(
                topic, beginning.keySet().stream().filter(p -> p.topic().equals(topic))
                        .map(CompactedTopicFollowerTest::partitionInfo).toList()));
        consumer.updateBeginningOffsets(beginning);
        consumer.updateEndOffsets(end);
        return consumer;
    }

    private static PartitionInfo partitionInfo(TopicPartition partition) {
        return new PartitionInfo(partition.topic(), partition.partition(), null, null, null);
    }

    private static ConsumerRecord<String, String> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "k" + offset, "v" + offset);
    }

    /** MockConsumer returns at once from an empty poll; this one idles briefly, as a real poll would. */
    private static final class IdleMockConsumer extends MockConsumer<String, String> {
        IdleMockConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerRecords<String, String> poll(Duration timeout) {
            ConsumerRecords<String, String> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }

    private static final class RecordingHandler implements CompactedTopicFollower.Handler<String, String> {
        final List<Long> recordsAtStart = new CopyOnWriteArrayList<>();
        final List<String> applied = new CopyOnWriteArrayList<>();
        final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger caughtUpCalls = new AtomicInteger();
        volatile int appliedWhenCaughtUp = -1;
        volatile Runnable onCaughtUp = () -> { };
        volatile boolean polledBeforeCaughtUp;

        @Override
        public void onStart(long records) {
            recordsAtStart.add(records);
        }

        @Override
        public void apply(List<ConsumerRecord<String, String>> batch) {
            assertThat(batch).isNotEmpty();
            batch.forEach(r -> applied.add(r.topic() + "-" + r.partition() + "@" + r.offset()));
        }

        @Override
        public void onCaughtUp() {
            appliedWhenCaughtUp = applied.size();
            caughtUpCalls.incrementAndGet();
            onCaughtUp.run();
        }

        @Override
        public void onFailure(RuntimeException error) {
            failures.add(error);
        }
    }
}
