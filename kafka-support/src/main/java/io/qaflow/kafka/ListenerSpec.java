package io.qaflow.kafka;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * How a listener container consumes: its group, the role in its client id, how many consumers, how it starts and
 * what happens to a record that keeps failing. Start from {@link #group} and change what differs.
 *
 * @param groupId the consumer group
 * @param role the client id's role part ({@code qaflow-embedder-questions-…})
 * @param concurrency consumers in this instance (at most the partition count does work)
 * @param pollTimeout the longest poll
 * @param maxPollRecords records per poll, 0 for the client's default
 * @param startAtLatest a new group starts at the end instead of the beginning
 * @param backOff retries of a failing record before it is recovered
 * @param recoverer where a record goes once it is given up on; null: the dead-letter topic
 * @param autoStartup false: started by the owner (e.g. once an index is ready)
 * @param rebalanceListener told of assignments, or null
 */
public record ListenerSpec(String groupId, String role, int concurrency, Duration pollTimeout, int maxPollRecords,
                           boolean startAtLatest, BackOff backOff, ConsumerRecordRecoverer recoverer, boolean autoStartup,
                           ConsumerRebalanceListener rebalanceListener) {
    public ListenerSpec {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        Objects.requireNonNull(backOff, "backOff");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1");
        }
    }

    /** One consumer, polls of up to 1 s, from the beginning, a failing record parked at once, started with the app. */
    public static ListenerSpec group(String groupId, String role) {
        return new ListenerSpec(groupId, role, 1, Duration.ofSeconds(1), 0, false, new FixedBackOff(0L, 0L), null,
                true, null);
    }

    public ListenerSpec concurrency(int consumers) {
        return new ListenerSpec(groupId, role, consumers, pollTimeout, maxPollRecords, startAtLatest, backOff, recoverer,
                autoStartup, rebalanceListener);
    }

    public ListenerSpec polling(Duration timeout, int maxRecords) {
        return new ListenerSpec(groupId, role, concurrency, timeout, maxRecords, startAtLatest, backOff, recoverer,
                autoStartup, rebalanceListener);
    }

    public ListenerSpec startingAtLatest() {
        return new ListenerSpec(groupId, role, concurrency, pollTimeout, maxPollRecords, true, backOff, recoverer,
                autoStartup, rebalanceListener);
    }

    public ListenerSpec retrying(BackOff retries) {
        return new ListenerSpec(groupId, role, concurrency, pollTimeout, maxPollRecords, startAtLatest, retries,
                recoverer, autoStartup, rebalanceListener);
    }

    /** A recoverer of the owner's (which must dead-letter the record itself, e.g. with a terminal event besides). */
    public ListenerSpec recoveredBy(ConsumerRecordRecoverer givenUp) {
        return new ListenerSpec(groupId, role, concurrency, pollTimeout, maxPollRecords, startAtLatest, backOff, givenUp,
                autoStartup, rebalanceListener);
    }

    public ListenerSpec startedByOwner() {
        return new ListenerSpec(groupId, role, concurrency, pollTimeout, maxPollRecords, startAtLatest, backOff,
                recoverer, false, rebalanceListener);
    }

    public ListenerSpec onRebalance(ConsumerRebalanceListener listener) {
        return new ListenerSpec(groupId, role, concurrency, pollTimeout, maxPollRecords, startAtLatest, backOff,
                recoverer, autoStartup, listener);
    }
}
