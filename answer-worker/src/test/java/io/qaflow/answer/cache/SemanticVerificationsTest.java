package io.qaflow.answer.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SemanticVerificationsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SemanticVerifications verifications = new SemanticVerifications(registry);

    @Test
    void theAgreementGaugeAppearsWithTheFirstComparison() {
        verifications.record(SemanticVerifications.Result.MISSING);
        verifications.record(SemanticVerifications.Result.SKIPPED);
        assertThat(registry.find("qa.cache.semantic.agreement").gauge()).as("no comparison yet").isNull();
        assertThat(count("missing")).isEqualTo(1);
        assertThat(count("skipped")).isEqualTo(1);

        verifications.record(SemanticVerifications.Result.DISAGREE);
        assertThat(registry.get("qa.cache.semantic.agreement").gauge().value()).isZero();
    }

    @Test
    void theAgreementRateIsAgreeOverCompared() {
        verifications.record(SemanticVerifications.Result.AGREE);
        verifications.record(SemanticVerifications.Result.AGREE);
        verifications.record(SemanticVerifications.Result.AGREE);
        verifications.record(SemanticVerifications.Result.DISAGREE);
        verifications.record(SemanticVerifications.Result.MISSING);

        assertThat(registry.get("qa.cache.semantic.agreement").gauge().value()).isEqualTo(0.75);
        assertThat(count("agree")).isEqualTo(3);
        assertThat(count("disagree")).isEqualTo(1);
    }

    private double count(String result) {
        return registry.get("qa.cache.semantic.verifications").tag("result", result).counter().count();
    }
}
