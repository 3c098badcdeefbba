package io.qaflow.metrics.verdict;

import static io.qaflow.metrics.verdict.Arms.NOW;
import static io.qaflow.metrics.verdict.Arms.arms;
import static io.qaflow.metrics.verdict.Arms.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Undefined figures are null, never NaN or Infinity, and the verdict survives its topic's serde. */
class VerdictJsonTest {

    @Test
    void degenerateArmsGiveNullsThatSerialiseAndRoundTrip() {
        // control: every request failed (success rate 0, no latency, zero cost); treatment: all answered at a
        // constant latency and cost (zero variances); no feedback anywhere
        var control = new ArmSummary("control", 200, 0, 200, 0, 0, 0, 0, 0, 0, null, 200, 0, 0);
        var constant = Arms.sketch();
        for (int i = 0; i < 200; i++) {
            constant.accept(500);
        }
        var treatment = new ArmSummary("treatment", 200, 200, 0, 0, 0, 0, 200, 500, 0, constant, 200, 0.001, 0);

        ExperimentVerdict verdict = new VerdictCalculator().compute(
                experiment(ExperimentMetric.COST_PER_REQUEST, List.of()), arms(control, treatment), null, NOW);

        var t = verdict.treatment("treatment");
        MetricVerdict success = t.metric(ExperimentMetric.SUCCESS_RATE);
        assertThat(success.controlValue()).isZero();
        assertThat(success.relativeEffect()).isNull();
        assertThat(success.remainingSampleSizePerArm()).isNull();
        assertThat(success.mixingVariance()).isNull();
        MetricVerdict cost = t.metric(ExperimentMetric.COST_PER_REQUEST);
        assertThat(cost.absoluteEffect()).isEqualTo(0.001);
        assertThat(cost.relativeEffect()).isNull();
        assertThat(cost.pValue()).isNull();
        assertThat(cost.confidenceInterval()).isNull();
        MetricVerdict latency = t.metric(ExperimentMetric.MEAN_LATENCY);
        assertThat(latency.controlValue()).isNull();
        assertThat(t.metric(ExperimentMetric.P95_LATENCY).controlValue()).isNull();
        assertThat(t.metric(ExperimentMetric.POSITIVE_FEEDBACK_RATE).controlCount()).isZero();

        byte[] bytes = Topics.EXPERIMENT_VERDICTS.valueSerde().serialize(Topics.EXPERIMENT_VERDICTS.name(), verdict);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("NaN", "Infinity").contains("\"relativeEffect\":null");
        assertThat(Topics.EXPERIMENT_VERDICTS.valueSerde().deserialize(Topics.EXPERIMENT_VERDICTS.name(), bytes))
                .isEqualTo(verdict);
    }

    @Test
    void aFullVerdictRoundTripsThroughItsTopicsSerde() {
        var experiment = experiment(ExperimentMetric.P95_LATENCY,
                List.of(new io.qaflow.model.ExperimentState.Guardrail(ExperimentMetric.SUCCESS_RATE, 0.01, false)));
        var first = new VerdictCalculator().compute(experiment, arms(
                Arms.full("control", 2_000, 0.9, 1_000, 0.002, 100, 40, 5),
                Arms.full("treatment", 2_000, 0.9, 1_050, 0.002, 110, 30, 6)), null, NOW);
        var serde = Topics.EXPERIMENT_VERDICTS.valueSerde();

        ExperimentVerdict read = serde.deserialize("t", serde.serialize("t", first));

        assertThat(read).isEqualTo(first);
        assertThat(read.treatment("treatment").metrics()).allSatisfy(m -> {
            assertThat(m.pValue()).isNotNull();
            assertThat(m.confidenceSequence()).isNotNull();
        });
        assertThat(new String(serde.serialize("t", first), StandardCharsets.UTF_8)).doesNotContain("NaN", "Infinity");
    }
}
