package io.qaflow.controller;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import io.qaflow.controller.decision.BanditRule;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the experiment controller, under {@code qaflow.experiment-controller.*}.
 *
 * @param verdictsGroupId consumer group of the verdict consumer (one active decider: see the README)
 * @param pollTimeout poll timeout of the consumer of the experiment and prompt topics
 * @param maxBody largest request body accepted
 * @param aggregatorUrl base URL of the metrics aggregator's HTTP API, read by the experiment report
 * @param aggregatorTimeout how long the report waits for the aggregator before answering without its statistics
 * @param verdictMaxAge a verdict older than this makes no automatic decision, and a running experiment whose latest
 *        verdict is older shows as stale (health {@code verdicts}, {@code qa.experiment.verdict.age}); the aggregator
 *        publishes one every 10 s
 * @param bandit how BANDIT experiments are reallocated
 */
@Validated
@ConfigurationProperties("qaflow.experiment-controller")
public record ControllerProperties(
        @DefaultValue("qa-experiment-controller") @NotBlank String verdictsGroupId,
        @DefaultValue("200ms") @NotNull Duration pollTimeout,
        @DefaultValue("64KB") @NotNull DataSize maxBody,
        @DefaultValue("http://localhost:8082") @NotNull URI aggregatorUrl,
        @DefaultValue("3s") @NotNull Duration aggregatorTimeout,
        @DefaultValue("60s") @NotNull Duration verdictMaxAge,
        @DefaultValue @Valid @NotNull BanditSettings bandit) {

    /**
     * @param reallocationInterval least time between two reallocations of one experiment
     * @param minShift least change of some arm's share worth a reallocation (0.02 = two percentage points)
     * @param draws Monte Carlo draws per estimate of the probability that an arm is the best
     */
    public record BanditSettings(@DefaultValue("1m") @NotNull Duration reallocationInterval,
                                 @DefaultValue("0.02") @PositiveOrZero double minShift,
                                 @DefaultValue("20000") @Min(100) @Max(1_000_000) int draws) {
        public BanditRule.Settings toRule() {
            return new BanditRule.Settings(reallocationInterval, minShift, draws);
        }
    }
}
