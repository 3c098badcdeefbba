package io.qaflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class GatewayPropertiesTest {

    private static GatewayProperties properties(String instanceId, Duration requestTtl, Duration statusRetention,
                                                Duration idempotencyTtl) {
        return new GatewayProperties(instanceId, Duration.ofSeconds(15), requestTtl, Duration.ofSeconds(2),
                Duration.ofMillis(500), statusRetention, 20_000, Duration.ofHours(24), Duration.ofSeconds(30),
                idempotencyTtl, 100_000, DataSize.ofKilobytes(64), DataSize.ofMegabytes(8), Duration.ofSeconds(2),
                new GatewayProperties.Warming(Duration.ofMinutes(5), 20));
    }

    @Test
    void aBlankInstanceIdBecomesARandomOneAndNamesTheConsumerGroup() {
        GatewayProperties first = properties(" ", Duration.ofSeconds(30), Duration.ofMinutes(15),
                Duration.ofMinutes(10));
        GatewayProperties second = properties(null, Duration.ofSeconds(30), Duration.ofMinutes(15),
                Duration.ofMinutes(10));

        assertThat(first.instanceId()).isNotBlank().isNotEqualTo(second.instanceId());
        assertThat(properties("pod-7", Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMinutes(10))
                .resultsGroupId()).isEqualTo("qa-gateway-pod-7");
    }

    @Test
    void statusesMustOutliveTheLongestDeadlineAndTheIdempotencyKeys() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                properties("a", Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(1)))
                .withMessageContaining("status-retention");
        assertThatIllegalArgumentException().isThrownBy(() ->
                properties("a", Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMinutes(20)))
                .withMessageContaining("idempotency-ttl");
        assertThatIllegalArgumentException().isThrownBy(() ->
                properties("a", Duration.ZERO, Duration.ofMinutes(15), Duration.ofMinutes(10)))
                .withMessageContaining("request-ttl");
    }
}
