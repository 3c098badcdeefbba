package io.qaflow.gateway.kafka;

import io.qaflow.model.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.kafka.core.KafkaOperations;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes events to catalog topics and completes only when the broker acknowledged them (acks=all, idempotent
 * producer). A broker that does not answer within the timeout fails the call with {@link PublishFailedException}.
 */
public final class EventPublisher {
    private static final Executor BLOCKING = task -> Schedulers.boundedElastic().schedule(task);

    private final KafkaOperations<String, Object> kafka;
    private final Duration timeout;
    private final int maxRecordBytes;

    /**
     * @param maxRecordBytes the largest key plus value sent; larger ones are refused before anything is sent (the
     *                       producer's max.request.size less room for the batch, record and tracing headers)
     */
    public EventPublisher(KafkaOperations<String, Object> kafka, Duration timeout, int maxRecordBytes) {
        this.kafka = kafka;
        this.timeout = timeout;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** One event, keyed; a null value is a tombstone. */
    public <V> Mono<Void> publish(Topic<String, V> topic, String key, V value) {
        return publishAll(topic, List.of(new Keyed<>(key, value)));
    }

    /**
     * Several events, sent in order (so the last of two with the same key wins), acknowledged together. Fails with a
     * {@link PublishFailedException} naming the first event that failed and those acknowledged anyway; a batch
     * with an event over the size limit fails before any is sent.
     */
    public <V> Mono<Void> publishAll(Topic<String, V> topic, List<Keyed<V>> events) {
        List<Keyed<byte[]>> serialized = events.stream()
                .map(e -> new Keyed<>(e.key(), topic.valueSerde().serialize(topic.name(), e.value())))
                .toList();
        for (int i = 0; i < serialized.size(); i++) {
            long size = sizeOf(serialized.get(i));
            if (size > maxRecordBytes) {
                String reason = "event " + i + " is " + size + " bytes, more than the " + maxRecordBytes + " allowed";
                return Mono.error(new PublishFailedException(topic.name(), reason,
                        new RecordTooLargeException(reason), false, i, List.of()));
            }
        }
        return Mono.defer(() -> {
            List<CompletableFuture<?>> acks = new CopyOnWriteArrayList<>();
            // send() can block while it fetches metadata (up to max.block.ms): keep it off the event loop,
            // and let a timed-out caller walk away without interrupting the producer
            CompletableFuture<Optional<Throwable>> outcome = CompletableFuture
                    .supplyAsync(() -> send(topic.name(), serialized, acks), BLOCKING)
                    .thenCompose(all -> all)
                    .handle((ok, error) -> Optional.ofNullable(error));
            // the failure travels as a value, so one that arrives after a timeout is dropped quietly
            return Mono.fromFuture(outcome, true)
                    .flatMap(error -> error.<Mono<Void>>map(Mono::error).orElseGet(Mono::empty))
                    .timeout(timeout)
                    .onErrorMap(e -> failure(topic.name(), e, acks, serialized.size()));
        });
    }

    private PublishFailedException failure(String topic, Throwable error, List<CompletableFuture<?>> acks,
                                           int count) {
        List<Integer> acknowledged = new ArrayList<>();
        int firstFailed = -1;
        for (int i = 0; i < count; i++) {
            CompletableFuture<?> ack = i < acks.size() ? acks.get(i) : null;
            if (ack != null && ack.isDone() && !ack.isCompletedExceptionally()) {
                acknowledged.add(i);
            } else if (firstFailed < 0) {
                firstFailed = i;
            }
        }
        return error instanceof TimeoutException
                ? new PublishFailedException(topic, "no acknowledgement within " + timeout, error, true,
                firstFailed, acknowledged)
                : new PublishFailedException(topic, rootMessage(error), error, !definitelyRejected(error),
                firstFailed, acknowledged);
    }

    private static long sizeOf(Keyed<byte[]> event) {
        return (event.key() == null ? 0 : event.key().getBytes(StandardCharsets.UTF_8).length)
                + (event.value() == null ? 0 : event.value().length);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private CompletableFuture<Void> send(String topic, List<Keyed<byte[]>> events, List<CompletableFuture<?>> acks) {
        for (Keyed<byte[]> event : events) {
            acks.add(kafka.send(topic, event.key(), event.value()));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    public record Keyed<V>(String key, V value) {}

    /**
     * Whether the error proves the record was not written: the producer refused it before sending, or the broker
     * rejected it. Anything else (a timeout, a lost connection) leaves its fate unknown.
     */
    static boolean definitelyRejected(Throwable error) {
        return causedBy(error, RecordTooLargeException.class)
                || causedBy(error, RecordBatchTooLargeException.class)
                || causedBy(error, SerializationException.class)
                || causedBy(error, InvalidTopicException.class)
                || causedBy(error, AuthorizationException.class)
                || causedBy(error, AuthenticationException.class);
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

}
