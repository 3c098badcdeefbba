package io.qaflow.gateway.experiments;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the experiment and prompt catalog, under {@code qaflow.gateway.experiments.*}.
 *
 * @param pollTimeout how long one poll of qa.experiments.v1 and qa.prompts.v1 waits for records
 * @param retryBackoff how long the reader waits after a Kafka error before it reconnects
 */
@Validated
@ConfigurationProperties("qaflow.gateway.experiments")
public record ExperimentsProperties(
        @DefaultValue("500ms") @NotNull Duration pollTimeout,
        @DefaultValue("2s") @NotNull Duration retryBackoff) {

    public ExperimentsProperties {
        if (pollTimeout != null && (pollTimeout.isZero() || pollTimeout.isNegative())) {
            throw new IllegalArgumentException("qaflow.gateway.experiments.poll-timeout must be positive");
        }
        if (retryBackoff != null && retryBackoff.isNegative()) {
            throw new IllegalArgumentException("qaflow.gateway.experiments.retry-backoff must not be negative");
        }
    }
}
