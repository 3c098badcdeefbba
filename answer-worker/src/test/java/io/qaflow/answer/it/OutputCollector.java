package io.qaflow.answer.it;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads everything the answer worker publishes, on a background thread, for tests to await. */
final class OutputCollector implements AutoCloseable {
    final Map<String, List<AnswerCompleted>> answers = new ConcurrentHashMap<>();
    final Map<String, List<RequestFailed>> failures = new ConcurrentHashMap<>();
    final Map<String, List<RequestProgressed>> progress = new ConcurrentHashMap<>();
    final List<ConsumerRecord<byte[], byte[]>> deadLetters = new CopyOnWriteArrayList<>();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;

    OutputCollector(String bootstrapServers) {
        Map<String, Object> props = KafkaClients.consumerConfigFor(bootstrapServers, "test-collector-" + UUID.randomUUID(),
                "test-collector");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(Topics.ANSWERS.name(), Topics.FAILURES.name(), Topics.PROGRESS.name(),
                Topics.CONTEXTS.deadLetterName()));
        thread = Thread.ofPlatform().name("test-collector").start(this::run);
    }

    private void run() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String topic = r.topic();
                    if (topic.equals(Topics.ANSWERS.name())) {
                        AnswerCompleted a = Topics.ANSWERS.valueSerde().deserialize(topic, r.value());
                        answers.computeIfAbsent(a.requestId(), k -> new CopyOnWriteArrayList<>()).add(a);
                    } else if (topic.equals(Topics.FAILURES.name())) {
                        RequestFailed f = Topics.FAILURES.valueSerde().deserialize(topic, r.value());
                        failures.computeIfAbsent(f.requestId(), k -> new CopyOnWriteArrayList<>()).add(f);
                    } else if (topic.equals(Topics.PROGRESS.name())) {
                        RequestProgressed p = Topics.PROGRESS.valueSerde().deserialize(topic, r.value());
                        progress.computeIfAbsent(p.requestId(), k -> new CopyOnWriteArrayList<>()).add(p);
                    } else {
                        deadLetters.add(r);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    AnswerCompleted answer(String requestId) {
        List<AnswerCompleted> list = answers.get(requestId);
        return list == null || list.isEmpty() ? null : list.getFirst();
    }

    RequestFailed failure(String requestId) {
        List<RequestFailed> list = failures.get(requestId);
        return list == null || list.isEmpty() ? null : list.getFirst();
    }

    /** Terminal events seen for the request, answers and failures together. */
    int terminalCount(String requestId) {
        return answers.getOrDefault(requestId, List.of()).size() + failures.getOrDefault(requestId, List.of()).size();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
