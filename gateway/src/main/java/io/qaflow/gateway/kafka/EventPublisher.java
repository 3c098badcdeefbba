package io.qaflow.gateway.kafka;

import io.qaflow.model.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
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

    public EventPublisher(KafkaOperations<String, Object> kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    /** One event, keyed; a null value is a tombstone. */
    public <V> Mono<Void> publish(Topic<String, V> topic, String key, V value) {
        return publishAll(topic, List.of(new Keyed<>(key, value)));
    }

    /** Several events, sent in order (so the last of two with the same key wins), acknowledged together. */
    public <V> Mono<Void> publishAll(Topic<String, V> topic, List<Keyed<V>> events) {
        List<Keyed<byte[]>> serialized = events.stream()
                .map(e -> new Keyed<>(e.key(), topic.valueSerde().serialize(topic.name(), e.value())))
                .toList();
        return Mono.defer(() -> {
                    // send() can block while it fetches metadata (up to max.block.ms): keep it off the event loop,
                    // and let a timed-out caller walk away without interrupting the producer
                    CompletableFuture<Optional<Throwable>> outcome = CompletableFuture
                            .supplyAsync(() -> send(topic.name(), serialized), BLOCKING)
                            .thenCompose(acks -> acks)
                            .handle((ok, error) -> Optional.ofNullable(error));
                    // the failure travels as a value, so one that arrives after a timeout is dropped quietly
                    return Mono.fromFuture(outcome, true)
                            .flatMap(error -> error.<Mono<Void>>map(Mono::error).orElseGet(Mono::empty));
                })
                .timeout(timeout)
                .onErrorMap(e -> e instanceof TimeoutException
                        ? new PublishFailedException(topic.name(), "no acknowledgement within " + timeout, e)
                        : new PublishFailedException(topic.name(), rootMessage(e), e));
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private CompletableFuture<Void> send(String topic, List<Keyed<byte[]>> events) {
        List<CompletableFuture<?>> acks = new ArrayList<>(events.size());
        for (Keyed<byte[]> event : events) {
            acks.add(kafka.send(topic, event.key(), event.value()));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    public record Keyed<V>(String key, V value) {}
}
