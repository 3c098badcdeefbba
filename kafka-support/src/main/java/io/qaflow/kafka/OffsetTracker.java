package io.qaflow.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition progress of the records this consumer holds. Only the poll thread touches it; workers report
 * finished records through a queue.
 */
final class OffsetTracker {
    private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();

    void fetched(TopicPartition partition, long offset) {
        partitions.computeIfAbsent(partition, p -> new PartitionProgress()).fetched(offset);
    }

    /** Ignored for a partition no longer held: its records will be redelivered to whoever holds it now. */
    void finished(TopicPartition partition, long offset) {
        PartitionProgress progress = partitions.get(partition);
        if (progress != null) {
            progress.finished(offset);
        }
    }

    Map<TopicPartition, OffsetAndMetadata> committable() {
        return committable(partitions.keySet());
    }

    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> of) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : of) {
            PartitionProgress progress = partitions.get(partition);
            if (progress != null) {
                progress.committable().ifPresent(o -> offsets.put(partition, new OffsetAndMetadata(o)));
            }
        }
        return offsets;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionProgress progress = partitions.get(partition);
            if (progress != null) {
                progress.committed(offset.offset());
            }
        });
    }

    void commitFailed(Collection<TopicPartition> of) {
        for (TopicPartition partition : of) {
            PartitionProgress progress = partitions.get(partition);
            if (progress != null) {
                progress.commitFailed();
            }
        }
    }

    void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    int unfinished() {
        return partitions.values().stream().mapToInt(PartitionProgress::unfinishedCount).sum();
    }
}
