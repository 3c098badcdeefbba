package io.qaflow.metrics.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AaSimulationTest {

    @Test
    void peekingBreaksTheNaiveTestButNotTheSequentialOne() {
        AaSimulation.Report report = AaSimulation.run(AaSimulation.Settings.defaults().withExperiments(200).withSeed(42));

        assertThat(report.sequentialFalsePositives().value()).isLessThanOrEqualTo(0.05);
        assertThat(report.naiveFalsePositives().value()).isGreaterThan(0.15);
        assertThat(report.sequentialPower().value()).isGreaterThan(0.9);
        assertThat(report.meanStopPerArm()).isBetween(100.0, 10_000.0);
        assertThat(report.render()).contains("mSPRT", "naive z test");
    }

    @Test
    void sameSeedSameFigures() {
        AaSimulation.Settings settings = AaSimulation.Settings.defaults().withExperiments(50).withSeed(3);
        assertThat(AaSimulation.run(settings)).isEqualTo(AaSimulation.run(settings));
    }
}
