package io.qaflow.answer.worker;

import io.qaflow.answer.metrics.AnswerMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an output until the broker acknowledges it. A record's offset is committed only after its output is
 * acknowledged, so giving up is not an option: the send is repeated (the producer already retried within its
 * delivery timeout) until it succeeds or the worker stops, in which case the record is redelivered.
 */
final class Delivery {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final AnswerMetrics metrics;
    private final Duration retryBackoff;

    Delivery(AnswerMetrics metrics, Duration retryBackoff) {
        this.metrics = metrics;
        this.retryBackoff = retryBackoff;
    }

    /** Returns once acknowledged; throws InterruptedException when the worker stops first. */
    RecordMetadata deliver(String what, Supplier<CompletableFuture<RecordMetadata>> send)
            throws InterruptedException {
        while (true) {
            try {
                return send.get().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof InterruptException) {
                    throw new InterruptedException("the worker is stopping");
                }
                metrics.error("publish_failed");
                log.warn("publishing {} failed, retrying in {}: {}", what, retryBackoff, e.getCause().toString());
                Thread.sleep(retryBackoff);
            }
        }
    }
}
