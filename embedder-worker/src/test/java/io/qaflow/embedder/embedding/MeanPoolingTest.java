package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MeanPoolingTest {
    @Test
    void averagesOnlyMaskedTokensThenNormalises() {
        // batch of 2, 3 tokens, 2 dims; the second sequence has one padding token holding garbage
        float[] hidden = {1, 0, 3, 0, 2, 0, /* second */ 0, 2, 0, 4, 100, 100};
        long[][] mask = {{1, 1, 1}, {1, 1, 0}};

        float[][] pooled = MeanPooling.poolAndNormalise(hidden, mask, 3, 2);

        assertThat(pooled[0][0]).isCloseTo(1f, within(1e-6f));
        assertThat(pooled[0][1]).isCloseTo(0f, within(1e-6f));
        assertThat(pooled[1][0]).isCloseTo(0f, within(1e-6f));
        assertThat(pooled[1][1]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void rejectsAHiddenStateOfTheWrongSize() {
        assertThatThrownBy(() -> MeanPooling.poolAndNormalise(new float[5], new long[][] {{1, 1}}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
