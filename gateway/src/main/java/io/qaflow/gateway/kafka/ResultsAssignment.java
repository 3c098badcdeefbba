package io.qaflow.gateway.kafka;

import io.qaflow.model.kafka.Topic;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Tracks the partitions of the result topics assigned to this instance's consumer. The gateway is ready only while
 * every result topic is assigned: a request accepted before that could have its answer published where no one
 * reads it.
 */
public final class ResultsAssignment implements ConsumerAwareRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(ResultsAssignment.class);

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final List<String> requiredTopics;

    public ResultsAssignment(List<Topic<String, ?>> topics) {
        this.requiredTopics = topics.stream().map(Topic::name).toList();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // Resolve each start position now (auto.offset.reset=latest): once this returns, every record published
        // later will be read, so readiness can be reported without a window in which an answer is skipped.
        partitions.forEach(consumer::position);
        assigned.addAll(partitions);
        log.info("results consumer assigned {} partitions; ready: {}", partitions.size(), isReady());
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(assigned::remove);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(assigned::remove);
    }

    public boolean isReady() {
        return requiredTopics.stream().allMatch(topic -> assigned.stream().anyMatch(tp -> tp.topic().equals(topic)));
    }

    public int assignedPartitions() {
        return assigned.size();
    }

    public List<String> requiredTopics() {
        return requiredTopics;
    }
}
