package io.qaflow.answer.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final RandomGenerator LOWEST = () -> 0L;
    private static final RandomGenerator HIGHEST = () -> -1L;
    private static final RandomGenerator MIDDLE = () -> Long.MIN_VALUE;

    @Test
    void growsExponentiallyUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5, MIDDLE);

        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(40)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterVariesTheWaitWithinItsShareAndNeverPastTheCap() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5, LOWEST);
        Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5, HIGHEST);

        assertThat(low.delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(high.delay(2).toMillis()).isBetween(2_999L, 3_000L);
        assertThat(high.delay(6)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void spreadsRandomWaits() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5,
                new SplittableRandom(7));

        long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(1)).distinct().count();

        assertThat(distinct).isGreaterThan(10);
        assertThat(java.util.stream.IntStream.range(0, 200).mapToObj(i -> backoff.delay(1)))
                .allSatisfy(d -> assertThat(d.toMillis()).isBetween(500L, 1_500L));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0.5, LOWEST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0.5, LOWEST))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
