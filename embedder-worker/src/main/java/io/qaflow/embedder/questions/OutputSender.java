package io.qaflow.embedder.questions;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.kafka.EventPublisher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a batch's outputs and waits for the broker's acknowledgements (the publisher retries what fails
 * retriably, and never sends an acknowledged event again); the request ids whose outputs are still unacknowledged
 * after that are returned to the caller.
 */
public final class OutputSender {
    private static final Logger log = LoggerFactory.getLogger(OutputSender.class);

    private final EventPublisher publisher;
    private final EmbedderMetrics metrics;

    public OutputSender(EventPublisher publisher, EmbedderMetrics metrics) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** @return the request ids of the outputs that were not acknowledged */
    Set<String> publish(List<? extends Output<?>> outputs) {
        return publish(outputs, QuestionTraces.NONE);
    }

    /** Each output sent within its request's trace. @return the request ids of those not acknowledged */
    Set<String> publish(List<? extends Output<?>> outputs, QuestionTraces traces) {
        Map<Output<?>, CompletableFuture<?>> sends = new LinkedHashMap<>();
        for (Output<?> output : outputs) {
            sends.put(output, traces.within(output.requestId(), () -> output.send(publisher)));
        }
        CompletableFuture.allOf(sends.values().toArray(CompletableFuture[]::new))
                .exceptionally(error -> null).join();
        List<Output<?>> failed = new ArrayList<>();
        Throwable cause = null;
        for (Map.Entry<Output<?>, CompletableFuture<?>> send : sends.entrySet()) {
            if (send.getValue().isCompletedExceptionally()) {
                failed.add(send.getKey());
                cause = cause != null ? cause : send.getValue().exceptionNow();
            }
        }
        if (failed.isEmpty()) {
            return Set.of();
        }
        metrics.error("embedding", "PUBLISH_FAILED");
        Set<String> unacknowledged = new LinkedHashSet<>();
        failed.forEach(o -> unacknowledged.add(o.requestId()));
        log.warn("{} of {} outputs not acknowledged (requests {})", failed.size(), sends.size(), unacknowledged,
                cause);
        return unacknowledged;
    }
}
