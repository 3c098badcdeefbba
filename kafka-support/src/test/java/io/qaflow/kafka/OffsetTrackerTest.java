package io.qaflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("qa.contexts.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("qa.contexts.v1", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void neverCommitsPastTheFirstUnfinishedRecord() {
        fetch(P0, 10, 11, 12);
        tracker.finished(P0, 11);
        tracker.finished(P0, 12);

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));

        tracker.finished(P0, 10);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(13)));
    }

    @Test
    void commitsUpToTheFirstUnfinishedRecordWhateverTheFinishingOrder() {
        fetch(P0, 0, 1, 2, 3, 4);
        tracker.finished(P0, 0);
        tracker.finished(P0, 1);
        tracker.finished(P0, 3);

        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(2));
        assertThat(tracker.unfinished()).isEqualTo(2);
    }

    @Test
    void offersAnOffsetOnlyOnceItMovedPastTheLastCommit() {
        fetch(P0, 0, 1);
        tracker.finished(P0, 0);
        Map<TopicPartition, OffsetAndMetadata> first = tracker.committable();
        tracker.committed(first);

        assertThat(tracker.committable()).isEmpty();
        tracker.finished(P0, 1);
        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(2));
    }

    @Test
    void offersTheOffsetAgainAfterAFailedCommit() {
        fetch(P0, 0);
        tracker.finished(P0, 0);
        tracker.committed(tracker.committable());

        tracker.commitFailed(List.of(P0));

        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(1));
    }

    @Test
    void skipsGapsInOffsets() {
        fetch(P0, 5, 9);
        tracker.finished(P0, 5);
        tracker.finished(P0, 9);

        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(10));
    }

    @Test
    void tracksPartitionsIndependentlyAndForgetsRevokedOnes() {
        fetch(P0, 7);
        fetch(P1, 3);
        tracker.finished(P1, 3);

        assertThat(tracker.committable()).containsEntry(P0, new OffsetAndMetadata(7))
                .containsEntry(P1, new OffsetAndMetadata(4));
        assertThat(tracker.committable(List.of(P1))).containsOnlyKeys(P1);

        tracker.forget(List.of(P0));
        tracker.finished(P0, 7);
        assertThat(tracker.committable()).containsOnlyKeys(P1);
    }

    private void fetch(TopicPartition partition, long... offsets) {
        for (long offset : offsets) {
            tracker.fetched(partition, offset);
        }
    }
}
