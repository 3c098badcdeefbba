package io.qaflow.embedder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qaflow.embedder.ingest.IndexStatus;
import java.time.Duration;

/**
 * The embedder's meters: {@code qa.latency} (stage = embed | retrieve | index, histogram), {@code qa.errors}
 * (stage, code), {@code qa.embedder.questions} (outcome), {@code qa.embedder.documents} (change) and the index
 * gauges {@code qa.index.documents}, {@code qa.index.chunks}, {@code qa.index.caught.up}.
 */
public final class EmbedderMetrics {
    private final MeterRegistry registry;

    public EmbedderMetrics(MeterRegistry registry, IndexStatus status) {
        this.registry = registry;
        Gauge.builder("qa.index.documents", status, IndexStatus::documents)
                .description("documents in the in-process index").register(registry);
        Gauge.builder("qa.index.chunks", status, IndexStatus::chunks)
                .description("chunks in the in-process index").register(registry);
        Gauge.builder("qa.index.caught.up", status, s -> s.caughtUp() ? 1 : 0)
                .description("1 once the corpus topic has been read up to its end offsets at start").register(registry);
    }

    public void latency(String stage, Duration duration) {
        Timer.builder("qa.latency").tag("stage", stage).publishPercentileHistogram()
                .description("time per pipeline stage").register(registry).record(duration);
    }

    public void error(String stage, String code) {
        Counter.builder("qa.errors").tag("stage", stage).tag("code", code)
                .description("failures by stage and error code").register(registry).increment();
    }

    public void question(String outcome) {
        Counter.builder("qa.embedder.questions").tag("outcome", outcome)
                .description("questions handled by outcome").register(registry).increment();
    }

    public void documents(String change, int count) {
        Counter.builder("qa.embedder.documents").tag("change", change)
                .description("corpus records applied to the index").register(registry).increment(count);
    }
}
