package io.qaflow.embedder.questions;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.kafka.EventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a batch's outputs and waits for the broker's acknowledgements. Only the sends that failed or were not
 * acknowledged in time are sent again, at most {@code retryAttempts} times, so an acknowledged event is never
 * replayed; the request ids whose outputs are still unacknowledged after that are returned to the caller.
 */
public final class OutputSender {
    private static final Logger log = LoggerFactory.getLogger(OutputSender.class);

    private final EventPublisher publisher;
    private final EmbedderMetrics metrics;
    private final Duration sendTimeout;
    private final Duration retryInterval;
    private final int retryAttempts;

    public OutputSender(EventPublisher publisher, EmbedderMetrics metrics, Duration sendTimeout, Duration retryInterval,
                 int retryAttempts) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
        this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
        if (retryAttempts < 0) {
            throw new IllegalArgumentException("retryAttempts must be >= 0");
        }
        this.retryAttempts = retryAttempts;
    }

    /** @return the request ids of the outputs that were not acknowledged after every attempt */
    Set<String> publish(List<? extends Output<?>> outputs) {
        List<Output<?>> pending = new ArrayList<>(outputs);
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            Map<Output<?>, CompletableFuture<?>> sends = new LinkedHashMap<>();
            for (Output<?> output : pending) {
                sends.put(output, output.send(publisher));
            }
            Throwable cause = awaitAll(sends.values());
            pending = sends.entrySet().stream()
                    .filter(e -> !e.getValue().isDone() || e.getValue().isCompletedExceptionally())
                    .<Output<?>>map(Map.Entry::getKey).toList();
            if (pending.isEmpty()) {
                break;
            }
            metrics.error("embedding", "PUBLISH_FAILED");
            if (attempt >= retryAttempts) {
                Set<String> unacknowledged = new LinkedHashSet<>();
                pending.forEach(o -> unacknowledged.add(o.requestId()));
                log.warn("{} outputs still unacknowledged after {} attempts (requests {})", pending.size(),
                        attempt + 1, unacknowledged, cause);
                return unacknowledged;
            }
            log.warn("{} of {} outputs not acknowledged; sending only those again in {}", pending.size(),
                    sends.size(), retryInterval, cause);
            pause();
        }
        return Set.of();
    }

    /** Waits up to the send timeout; returns a failure seen, if any, for the log. */
    private Throwable awaitAll(Iterable<CompletableFuture<?>> sends) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        sends.forEach(all::add);
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted waiting for the broker's acknowledgements", e);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return e;
        }
    }

    private void pause() {
        try {
            Thread.sleep(retryInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted before resending unacknowledged outputs", e);
        }
    }
}
