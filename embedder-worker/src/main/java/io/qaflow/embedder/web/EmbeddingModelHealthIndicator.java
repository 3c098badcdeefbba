package io.qaflow.embedder.web;

import io.qaflow.embedder.embedding.EmbeddingRuntime;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code embeddingModel} in {@code /actuator/health}: the model, engine, device and precision in use. Always UP once
 * the context is up — a model that cannot load stops the start instead — and not part of readiness.
 */
public final class EmbeddingModelHealthIndicator implements HealthIndicator {
    private final EmbeddingRuntime runtime;

    public EmbeddingModelHealthIndicator(EmbeddingRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("model", runtime.modelId())
                .withDetail("engine", runtime.engine())
                .withDetail("device", runtime.device())
                .withDetail("executionProvider", runtime.executionProvider())
                .withDetail("precision", runtime.precision())
                .withDetail("requestedDevice", runtime.requestedDevice())
                .withDetail("batchSize", runtime.batchSize())
                .withDetail("parallelInferences", runtime.parallelInferences())
                .withDetail("intraOpThreads", runtime.intraOpThreads())
                .build();
    }
}
