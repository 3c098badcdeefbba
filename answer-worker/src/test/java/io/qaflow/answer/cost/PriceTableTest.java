package io.qaflow.answer.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.model.TokenUsage;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    private final PriceTable table = new PriceTable(Map.of("gpt-4o-mini", new ModelPrice(0.15, 0.60)),
            Set.of("extractive"));

    @Test
    void pricesInputAndOutputTokensPerMillion() {
        assertThat(table.costUsd("gpt-4o-mini", new TokenUsage(1_000, 200, false)))
                .isCloseTo((1_000 * 0.15 + 200 * 0.60) / 1e6, within(1e-15));
        assertThat(table.costUsd("gpt-4o-mini", new TokenUsage(2_000_000, 0, false))).isCloseTo(0.30, within(1e-12));
    }

    @Test
    void unpricedAndFreeModelsCostNothing() {
        assertThat(table.costUsd("extractive", new TokenUsage(500, 50, true))).isZero();
        assertThat(table.costUsd("llama-local", new TokenUsage(500, 50, false))).isZero();
    }

    @Test
    void rejectsNegativePrices() {
        assertThatThrownBy(() -> new ModelPrice(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
