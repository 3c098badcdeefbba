package io.qaflow.gateway.experiments;

import io.qaflow.model.ExperimentState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health contributor {@code experiments}, part of the readiness group: DOWN until the catalog reader has caught up with
 * qa.experiments.v1 and qa.prompts.v1, so a replica takes traffic only once it assigns requests like the others.
 * Once caught up it stays UP through Kafka blips: requests are assigned from the catalog held, and the reader resumes.
 */
public final class ExperimentsHealthIndicator implements HealthIndicator {
    private final CatalogReader reader;
    private final ExperimentCatalog catalog;

    public ExperimentsHealthIndicator(CatalogReader reader, ExperimentCatalog catalog) {
        this.reader = reader;
        this.catalog = catalog;
    }

    @Override
    public Health health() {
        Health.Builder health = reader.caughtUp() ? Health.up() : Health.down()
                .withDetail("reason", "reading qa.experiments.v1 and qa.prompts.v1 up to their end offsets at start");
        health.withDetail("activeExperiment",
                        catalog.activeExperiment().map(ExperimentState::experimentId).orElse("none"))
                .withDetail("running", catalog.running().stream().map(ExperimentState::experimentId).toList())
                .withDetail("experiments", catalog.experiments().size())
                .withDetail("defaultPromptVersions", catalog.defaultPromptVersions())
                .withDetail("recordsApplied", reader.recordsApplied())
                .withDetail("recordsSkipped", reader.recordsSkipped());
        String lastError = reader.lastError();
        if (lastError != null) {
            health.withDetail("lastError", lastError);
        }
        return health.build();
    }
}
