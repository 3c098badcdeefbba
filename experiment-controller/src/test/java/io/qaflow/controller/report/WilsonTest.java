package io.qaflow.controller.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WilsonTest {

    @Test
    void matchesPublishedWilsonIntervals() {
        // 8 of 10: 0.4902-0.9433 (Newcombe 1998, method 3); 81 of 263: 0.2553-0.3662 (Wilson 1927 example)
        Wilson.Rate eightOfTen = Wilson.rate95(8, 10);
        assertThat(eightOfTen.rate()).isEqualTo(0.8);
        assertThat(eightOfTen.low()).isCloseTo(0.4902, within(1e-4));
        assertThat(eightOfTen.high()).isCloseTo(0.9433, within(1e-4));
        Wilson.Rate other = Wilson.rate95(81, 263);
        assertThat(other.low()).isCloseTo(0.2553, within(1e-4));
        assertThat(other.high()).isCloseTo(0.3662, within(1e-4));
        assertThat(other.successes()).isEqualTo(81);
        assertThat(other.trials()).isEqualTo(263);
    }

    @Test
    void staysInsideZeroAndOneAtTheEdges() {
        Wilson.Rate none = Wilson.rate95(0, 10);
        assertThat(none.low()).isZero();
        assertThat(none.high()).isCloseTo(0.2775, within(1e-4));
        Wilson.Rate all = Wilson.rate95(10, 10);
        assertThat(all.low()).isCloseTo(0.7225, within(1e-4));
        assertThat(all.high()).isLessThanOrEqualTo(1.0).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void narrowsWithMoreTrials() {
        Wilson.Rate small = Wilson.rate95(45, 50);
        Wilson.Rate large = Wilson.rate95(4_500, 5_000);
        assertThat(large.high() - large.low()).isLessThan((small.high() - small.low()) / 3);
        assertThat(large.low()).isLessThan(0.9);
        assertThat(large.high()).isGreaterThan(0.9);
    }

    @Test
    void noTrialsIsNoRateAndImpossibleCountsAreRefused() {
        assertThat(Wilson.rate95(0, 0)).isNull();
        assertThatThrownBy(() -> Wilson.rate95(11, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wilson.rate95(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
