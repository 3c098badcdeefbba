package io.qaflow.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the gateway, under {@code qaflow.gateway.*}.
 *
 * @param instanceId names this instance; its result consumer group is {@code qa-gateway-<instanceId>}. Random when blank.
 * @param defaultTimeout how long {@code POST /v1/ask} waits for the answer when the body has no timeoutMs
 * @param requestTtl time an accepted request has to finish: deadline = acceptedAt + max(requestTtl, timeoutMs)
 * @param expiryGrace extra time after the deadline before the gateway itself marks a request EXPIRED
 * @param sweepInterval how often the expiry sweeper runs
 * @param statusRetention how long a request's status stays readable after acceptance
 * @param statusCapacity most requests the in-memory status store holds (oldest dropped first)
 * @param sharedStatusRetention how long a request's status stays readable in Redis, from any replica
 * @param orphanExpiryDelay how much later than its own requests a replica expires requests it finds only in Redis
 *        (those of a replica that died)
 * @param idempotencyTtl how long an Idempotency-Key is remembered; at most the status retention, so a replayed key
 *        finds its request
 * @param idempotencyCapacity most keys the in-memory idempotency store holds (oldest dropped first)
 * @param maxQuestionBody largest body accepted by the question and feedback endpoints
 * @param maxDocumentBody largest body accepted by {@code POST /v1/documents}
 * @param retryAfter the Retry-After advertised with 503 answers
 * @param warming cache warming: how often (0 = never) and how many of the most asked questions
 */
@Validated
@ConfigurationProperties("qaflow.gateway")
public record GatewayProperties(
        String instanceId,
        @DefaultValue("15s") @NotNull Duration defaultTimeout,
        @DefaultValue("30s") @NotNull Duration requestTtl,
        @DefaultValue("2s") @NotNull Duration expiryGrace,
        @DefaultValue("500ms") @NotNull Duration sweepInterval,
        @DefaultValue("15m") @NotNull Duration statusRetention,
        @DefaultValue("20000") @Min(1) int statusCapacity,
        @DefaultValue("24h") @NotNull Duration sharedStatusRetention,
        @DefaultValue("30s") @NotNull Duration orphanExpiryDelay,
        @DefaultValue("10m") @NotNull Duration idempotencyTtl,
        @DefaultValue("100000") @Min(1) int idempotencyCapacity,
        @DefaultValue("64KB") @NotNull DataSize maxQuestionBody,
        @DefaultValue("8MB") @NotNull DataSize maxDocumentBody,
        @DefaultValue("2s") @NotNull Duration retryAfter,
        @DefaultValue @Valid @NotNull Warming warming) {

    public GatewayProperties {
        instanceId = instanceId == null || instanceId.isBlank()
                ? UUID.randomUUID().toString().substring(0, 8)
                : instanceId.strip();
        positive(defaultTimeout, "default-timeout");
        positive(requestTtl, "request-ttl");
        positive(sweepInterval, "sweep-interval");
        positive(idempotencyTtl, "idempotency-ttl");
        positive(sharedStatusRetention, "shared-status-retention");
        positive(retryAfter, "retry-after");
        if (expiryGrace != null && expiryGrace.isNegative()) {
            throw new IllegalArgumentException("qaflow.gateway.expiry-grace must not be negative");
        }
        if (statusRetention != null && requestTtl != null && expiryGrace != null
                && statusRetention.compareTo(longestDeadline(requestTtl).plus(expiryGrace)) < 0) {
            // a status dropped before its request can finish would leave waiters without an answer
            throw new IllegalArgumentException(
                    "qaflow.gateway.status-retention must be at least max(request-ttl, 2m) + expiry-grace");
        }
        if (idempotencyTtl != null && statusRetention != null && idempotencyTtl.compareTo(statusRetention) > 0) {
            throw new IllegalArgumentException(
                    "qaflow.gateway.idempotency-ttl must not exceed qaflow.gateway.status-retention");
        }
    }

    /** The longest time from acceptance to deadline: timeoutMs may raise a request's TTL up to 120 s. */
    private static Duration longestDeadline(Duration requestTtl) {
        Duration longestTimeout = Duration.ofMinutes(2);
        return requestTtl.compareTo(longestTimeout) > 0 ? requestTtl : longestTimeout;
    }

    private static void positive(Duration value, String name) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException("qaflow.gateway." + name + " must be positive");
        }
    }

    /** The consumer group that reads answers, failures and progress for this instance only. */
    public String resultsGroupId() {
        return "qa-gateway-" + instanceId;
    }

    public record Warming(@DefaultValue("5m") @NotNull Duration interval, @DefaultValue("20") @Min(1) int top) {}
}
