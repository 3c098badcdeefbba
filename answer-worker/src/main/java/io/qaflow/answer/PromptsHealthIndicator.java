package io.qaflow.answer;

import io.qaflow.answer.registry.PromptRegistryReader;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Ready once the prompt registry has been read up to where it ended at start, so a request naming a registered
 * version finds it; part of the readiness group.
 */
final class PromptsHealthIndicator implements HealthIndicator {
    private final PromptRegistryReader reader;

    PromptsHealthIndicator(PromptRegistryReader reader) {
        this.reader = reader;
    }

    @Override
    public Health health() {
        PromptRegistryReader.Status status = reader.status();
        Health.Builder health = status.loaded() ? Health.up() : Health.down();
        return health.withDetail("state", status.loaded() ? "loaded" : "loading")
                .withDetail("versions", status.versions())
                .withDetail("recordsRead", status.recordsRead())
                .withDetail("rejected", status.rejected())
                .build();
    }
}
