package io.qaflow.kafka;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qaflow.model.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.kafka.core.KafkaOperations;

/**
 * The one way a qaflow service publishes: events are serialized with their topic's serde and sent through the
 * service's idempotent acks=all producer; the returned future completes when the broker acknowledged them. A send
 * that fails retriably (the broker away longer than the producer's own retries) is sent again after a backoff, at most
 * {@code attempts} times in all, without blocking a thread while it waits; only the events not acknowledged are sent
 * again. Anything else fails with {@link PublishFailedException}, which says whether the event may still land.
 *
 * <p>Sends run on one thread of their own, in the order they were asked for (so two events of one key stay in
 * order, and a send blocked on metadata never blocks an event loop), with the caller's trace context, so the record
 * carries the caller's W3C {@code traceparent} header. While the availability probe sees no broker, an attempt sends
 * nothing: the last one fails at once instead of waiting out its timeout, an earlier one waits its back-off.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Duration TIMEOUT_SLACK = Duration.ofSeconds(1);

    private final Core core;
    private final int attempts;

    /** What every view of the publisher shares. */
    private record Core(KafkaOperations<Object, Object> kafka, KafkaAvailability availability, Duration timeout,
                        Duration backoff, int maxRecordBytes, MeterRegistry registry, SendThread sends,
                        ContextSnapshotFactory snapshots) {}

    EventPublisher(KafkaOperations<Object, Object> kafka, KafkaAvailability availability,
                   KafkaSupportProperties.Publish settings, int maxRecordBytes, MeterRegistry registry) {
        this(new Core(kafka, availability, settings.timeout(), settings.backoff(), maxRecordBytes, registry,
                new SendThread(), ContextSnapshotFactory.builder().build()), settings.attempts());
    }

    /**
     * A publisher over {@code kafka} with no availability probe (brokers assumed reachable): for unit tests over
     * Kafka's {@code MockProducer}, which prove what a caller does with acknowledgements and failures.
     */
    public static EventPublisher unprobed(KafkaOperations<Object, Object> kafka,
                                          KafkaSupportProperties.Publish settings, MeterRegistry registry) {
        return new EventPublisher(kafka, KafkaAvailability.assumed(registry), settings,
                KafkaSupportAutoConfiguration.DEFAULT_MAX_REQUEST_SIZE
                        - KafkaSupportAutoConfiguration.RECORD_OVERHEAD_BYTES, registry);
    }

    private EventPublisher(Core core, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1");
        }
        this.core = core;
        this.attempts = attempts;
    }

    /** This publisher with another retry budget, e.g. 1 where a caller waits, more for a background publish. */
    public EventPublisher withAttempts(int attempts) {
        return new EventPublisher(core, attempts);
    }

    /** How long one attempt waits for the acknowledgement. */
    public Duration timeout() {
        return core.timeout();
    }

    /** One event, keyed; a null value is a tombstone. */
    public <V> CompletableFuture<RecordMetadata> publish(Topic<String, V> topic, String key, V value) {
        return publishAll(topic, List.of(new Keyed<>(key, value))).thenApply(List::getFirst);
    }

    /**
     * {@link #publish} for a caller on a thread of its own that needs the outcome before it goes on (a state change
     * applied at its acknowledged offset): blocks until acknowledged, or throws {@link PublishFailedException}.
     */
    public <V> RecordMetadata publishAndAwait(Topic<String, V> topic, String key, V value) {
        try {
            return publish(topic, key, value).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof PublishFailedException failed) {
                throw failed;
            }
            throw new PublishFailedException(topic.name(), rootMessage(e), e.getCause(), true, 0, List.of());
        }
    }

    /**
     * Several events, sent in order (so the last of two with the same key wins), acknowledged together. Fails with a
     * {@link PublishFailedException} naming the first event that failed and those acknowledged anyway; a batch with
     * an event over the size limit fails before any is sent.
     */
    public <V> CompletableFuture<List<RecordMetadata>> publishAll(Topic<String, V> topic, List<Keyed<V>> events) {
        List<ProducerRecord<Object, Object>> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Keyed<V> event = events.get(i);
            byte[] value;
            try {
                value = topic.valueSerde().serialize(topic.name(), event.value());
            } catch (RuntimeException e) {
                return rejected(topic, i, "event " + i + " cannot be serialized", e);
            }
            long size = (event.key() == null ? 0 : event.key().getBytes(StandardCharsets.UTF_8).length)
                    + (value == null ? 0 : value.length);
            if (size > core.maxRecordBytes()) {
                String reason = "event " + i + " is " + size + " bytes, more than the " + core.maxRecordBytes()
                        + " allowed";
                return rejected(topic, i, reason, new RecordTooLargeException(reason));
            }
            records.add(new ProducerRecord<>(topic.name(), event.key(), value));
        }
        return new Publication(topic.name(), records, core.snapshots().captureAll()).start();
    }

    private <T> CompletableFuture<T> rejected(Topic<String, ?> topic, int index, String reason, Throwable cause) {
        outcome(topic.name(), "rejected", 0);
        return CompletableFuture.failedFuture(new PublishFailedException(topic.name(), reason, cause, false, index,
                List.of()));
    }

    /** One publishAll call: the events still to be acknowledged, attempt after attempt. */
    private final class Publication {
        private final String topic;
        private final List<ProducerRecord<Object, Object>> records;
        private final ContextSnapshot context;
        private final RecordMetadata[] acknowledged;
        private final Throwable[] errors;
        /** Whether an attempt left the event's fate unknown (sent, not known to be refused). */
        private final boolean[] uncertain;
        private final CompletableFuture<List<RecordMetadata>> result = new CompletableFuture<>();
        private final long started = System.nanoTime();

        Publication(String topic, List<ProducerRecord<Object, Object>> records, ContextSnapshot context) {
            this.topic = topic;
            this.records = records;
            this.context = context;
            this.acknowledged = new RecordMetadata[records.size()];
            this.errors = new Throwable[records.size()];
            this.uncertain = new boolean[records.size()];
        }

        CompletableFuture<List<RecordMetadata>> start() {
            // every attempt is bounded, but an attempt waits its turn on the send thread unbounded: the whole
            // publication is bounded too, so no caller waits longer than its attempts could take
            CompletableFuture.delayedExecutor(overallTimeout().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!result.isDone()) {
                    Arrays.fill(uncertain, true);
                    result.completeExceptionally(new PublishFailedException(topic, "no acknowledgement within "
                            + overallTimeout(), new TimeoutException("publication timed out"), true, 0, List.of()));
                }
            });
            attempt(1, core.sends());
            return result;
        }

        /** Every attempt's timeout and back-off, and a second of slack per attempt. */
        private Duration overallTimeout() {
            Duration total = Duration.ZERO;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                total = total.plus(core.timeout()).plus(TIMEOUT_SLACK.multipliedBy(2));
                if (attempt < attempts) {
                    total = total.plus(core.backoff().multipliedBy(1L << Math.min(attempt - 1, 10)));
                }
            }
            return total;
        }

        private void attempt(int attempt, Executor executor) {
            CompletableFuture.runAsync(() -> {
                if (!core.availability().isAvailable()) {
                    // nothing sent: fail fast where the caller waits, wait for the brokers where it may retry
                    var unavailable = new PublishFailedException.BrokersUnavailableException(
                            core.availability().describe());
                    for (int i = 0; i < records.size(); i++) {
                        if (acknowledged[i] == null) {
                            errors[i] = unavailable;
                        }
                    }
                    afterAttempt(attempt);
                    return;
                }
                List<CompletableFuture<?>> acks = new ArrayList<>();
                try (ContextSnapshot.Scope scope = context.setThreadLocals()) {
                    for (int i = 0; i < records.size(); i++) {
                        if (acknowledged[i] == null) {
                            acks.add(send(i));
                        }
                    }
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                        .whenComplete((ignored, error) -> afterAttempt(attempt));
            }, executor).exceptionally(error -> {
                // the send thread is gone (shutting down): nothing was sent by this attempt
                Arrays.fill(errors, error);
                fail();
                return null;
            });
        }

        private CompletableFuture<?> send(int index) {
            errors[index] = null;
            CompletableFuture<RecordMetadata> ack;
            try {
                ack = core.kafka().send(records.get(index)).thenApply(r -> r.getRecordMetadata());
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            return ack.orTimeout(core.timeout().plus(TIMEOUT_SLACK).toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((metadata, error) -> {
                        if (error == null) {
                            acknowledged[index] = metadata;
                        } else {
                            errors[index] = unwrap(error);
                            uncertain[index] |= !PublishFailedException.definitelyRejected(errors[index]);
                        }
                    });
        }

        private void afterAttempt(int attempt) {
            List<Integer> failed = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                if (acknowledged[i] == null) {
                    failed.add(i);
                }
            }
            if (failed.isEmpty()) {
                for (int i = 0; i < records.size(); i++) {
                    outcome(topic, "acknowledged", System.nanoTime() - started);
                }
                result.complete(List.of(acknowledged));
                return;
            }
            boolean retriable = failed.stream().allMatch(i -> isRetriable(errors[i]));
            if (!retriable || attempt >= attempts) {
                fail();
                return;
            }
            Counter.builder("qa.kafka.publish.retries").description("Sends repeated after a retriable failure")
                    .tag("topic", topic).register(core.registry()).increment(failed.size());
            long delayMs = core.backoff().toMillis() << Math.min(attempt - 1, 10);
            attempt(attempt + 1, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, core.sends()));
        }

        private void fail() {
            List<Integer> acked = new ArrayList<>();
            int firstFailed = -1;
            Throwable cause = null;
            for (int i = 0; i < records.size(); i++) {
                if (acknowledged[i] != null) {
                    acked.add(i);
                } else if (firstFailed < 0) {
                    firstFailed = i;
                    cause = errors[i];
                }
            }
            if (cause == null) {
                cause = new IllegalStateException("not acknowledged");
            }
            boolean timedOut = cause instanceof TimeoutException;
            boolean mayHaveLanded = uncertain[firstFailed < 0 ? 0 : firstFailed];
            for (int i = 0; i < records.size(); i++) {
                if (acknowledged[i] == null) {
                    outcome(topic, mayHaveLanded ? "failed" : "rejected", System.nanoTime() - started);
                } else {
                    outcome(topic, "acknowledged", System.nanoTime() - started);
                }
            }
            String reason = timedOut ? "no acknowledgement within " + core.timeout() : rootMessage(cause);
            result.completeExceptionally(new PublishFailedException(topic, reason, cause, mayHaveLanded, firstFailed,
                    acked));
        }
    }

    private void outcome(String topic, String outcome, long nanos) {
        Timer.builder("qa.kafka.publish").description("Publishes until acknowledged, rejected or given up")
                .tag("topic", topic).tag("outcome", outcome)
                .register(core.registry()).record(nanos, TimeUnit.NANOSECONDS);
    }

    static boolean isRetriable(Throwable error) {
        if (error instanceof PublishFailedException.BrokersUnavailableException) {
            return true;
        }
        if (error == null || PublishFailedException.definitelyRejected(error)) {
            return false;
        }
        return error instanceof TimeoutException
                || PublishFailedException.causedBy(error, RetriableException.class)
                || PublishFailedException.causedBy(error, org.apache.kafka.common.errors.TimeoutException.class);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        core.sends().close();
    }

    /** A keyed event of a batch. */
    public record Keyed<V>(String key, V value) {
        public Keyed {
            Objects.requireNonNull(key, "key");
        }
    }
}
