package io.qaflow.embedder.web;

import io.qaflow.embedder.ingest.IndexStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN until the corpus topic has been read to its end offsets at start; it is part of the readiness group, so an
 * instance rebuilding its index takes no traffic.
 */
public final class CorpusHealthIndicator implements HealthIndicator {
    private final IndexStatus status;

    public CorpusHealthIndicator(IndexStatus status) {
        this.status = status;
    }

    @Override
    public Health health() {
        IndexStatus.Snapshot s = status.snapshot();
        Health.Builder builder = s.caughtUp() ? Health.up() : Health.down();
        return builder.withDetail("documents", s.documents())
                .withDetail("chunks", s.chunks())
                .withDetail("caughtUp", s.caughtUp())
                .withDetail("corpusVersion", s.corpusVersion())
                .withDetail("recordsRead", s.recordsRead())
                .build();
    }
}
