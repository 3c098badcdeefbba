package io.qaflow.kafka;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Offsets of one partition that were fetched but are not finished yet. What may be committed is the first
 * unfinished offset (or, with none left, the offset after the last one fetched): everything before it has its
 * output acknowledged, whatever order the records finished in.
 */
final class PartitionProgress {
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long nextFetched = -1;
    private long committed = -1;

    void fetched(long offset) {
        unfinished.add(offset);
        nextFetched = Math.max(nextFetched, offset + 1);
    }

    void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset to commit, when it moved past the last commit. */
    OptionalLong committable() {
        long candidate = unfinished.isEmpty() ? nextFetched : unfinished.first();
        return candidate > committed ? OptionalLong.of(candidate) : OptionalLong.empty();
    }

    void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    /** A commit did not go through: the next {@link #committable()} offers the current position again. */
    void commitFailed() {
        committed = -1;
    }

    int unfinishedCount() {
        return unfinished.size();
    }
}
