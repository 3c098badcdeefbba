package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qaflow.model.ExperimentState.Arm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VariantAssignmentTest {
    private static final int UNITS = 100_000;
    private static final double ONE_POINT = 0.01;
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @ParameterizedTest(name = "{0}: weights {1}")
    @CsvSource(delimiter = ';', value = {
            "even-split;     50 50",
            "eighty-twenty;  80 20",
            "canary;         95 5",
            "three-arms;     60 30 10",
            "unnormalised;   0.3 0.2 0.5"})
    void everyAllocationIsHonouredWithinOnePercentagePointOverOneHundredThousandUnits(String experimentId,
                                                                                      String weights) {
        ExperimentState experiment = experiment(experimentId, weights.trim().split("\\s+"));
        Map<String, Integer> counts = new LinkedHashMap<>();
        experiment.variants().forEach(arm -> counts.put(arm.name(), 0));
        for (int i = 0; i < UNITS; i++) {
            counts.merge(VariantAssignment.assign(experiment, "user-" + i).name(), 1, Integer::sum);
        }

        StringBuilder report = new StringBuilder(experimentId + " over " + UNITS + " units:");
        for (Arm arm : experiment.variants()) {
            double observed = counts.get(arm.name()) / (double) UNITS;
            double configured = experiment.allocation(arm.name());
            report.append(String.format(Locale.ROOT, "  %s configured %.2f%% observed %.3f%%", arm.name(),
                    configured * 100, observed * 100));
            assertThat(observed).as("share of %s", arm.name()).isCloseTo(configured, within(ONE_POINT));
        }
        System.out.println(report);
    }

    @Test
    void theSameUnitAlwaysGetsTheSameArm() {
        ExperimentState experiment = experiment("sticky", "50", "30", "20");
        // a second, equal definition (a later record of the same experiment, another replica's copy)
        ExperimentState republished = experiment("sticky", "50", "30", "20");
        for (int i = 0; i < 10_000; i++) {
            String unit = "user-" + i;
            Arm first = VariantAssignment.assign(experiment, unit);
            assertThat(VariantAssignment.assign(experiment, unit)).isEqualTo(first);
            assertThat(VariantAssignment.assign(republished, unit)).isEqualTo(first);
        }
    }

    @Test
    void twoExperimentsAssignTheSameUnitsIndependently() {
        ExperimentState a = experiment("experiment-a", "50", "50");
        ExperimentState b = experiment("experiment-b", "50", "50");
        Map<String, Integer> joint = new LinkedHashMap<>();
        for (int i = 0; i < UNITS; i++) {
            String unit = "user-" + i;
            joint.merge(VariantAssignment.assign(a, unit).name() + "/" + VariantAssignment.assign(b, unit).name(), 1,
                    Integer::sum);
        }

        assertThat(joint).hasSize(4);
        StringBuilder report = new StringBuilder("joint shares of two 50/50 experiments:");
        joint.forEach((pair, count) -> {
            double share = count / (double) UNITS;
            report.append(String.format(Locale.ROOT, "  %s %.3f%%", pair, share * 100));
            assertThat(share).as("share of %s", pair).isCloseTo(0.25, within(ONE_POINT));
        });
        System.out.println(report);
    }

    @Test
    void thePositionIsTheFirstEightBytesOfSha256AsAFractionSoEveryPlatformAgrees() {
        // computed independently: int.from_bytes(sha256(b"exp-1\0user-1").digest()[:8], "big") >> 11 then * 2**-53
        assertThat(VariantAssignment.position("exp-1", "user-1")).isEqualTo(0.7847342603047023);
        assertThat(VariantAssignment.position("checkout-prompt", "alice")).isEqualTo(0.0033630854446180525);
    }

    @Test
    void positionsStayInsideTheUnitInterval() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(VariantAssignment.position("bounds", Integer.toString(i))).isGreaterThanOrEqualTo(0.0)
                    .isLessThan(1.0);
        }
    }

    @Test
    void armsAreTakenInTheirOrderAgainstCumulativeWeights() {
        // "alice" sits at 0.0034 in checkout-prompt: inside the first 1% whichever arm comes first
        ExperimentState smallFirst = experiment("checkout-prompt", "1", "99");
        assertThat(VariantAssignment.assign(smallFirst, "alice").name()).isEqualTo("arm-0");
        ExperimentState smallLast = experiment("checkout-prompt", "99", "1");
        assertThat(VariantAssignment.assign(smallLast, "alice").name()).isEqualTo("arm-0");
        // "user-1" sits at 0.785 in exp-1: past 0.7, in the last arm
        ExperimentState exp1 = experiment("exp-1", "70", "30");
        assertThat(VariantAssignment.assign(exp1, "user-1").name()).isEqualTo("arm-1");
    }

    @Test
    void aUnitIsRequired() {
        ExperimentState experiment = experiment("needs-unit", "50", "50");
        assertThatThrownBy(() -> VariantAssignment.assign(experiment, null))
                .isInstanceOf(NullPointerException.class);
    }

    private static ExperimentState experiment(String experimentId, String... weights) {
        List<Arm> arms = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            arms.add(new Arm("arm-" + i, "1." + i + ".0", "gpt-test", 5, Double.parseDouble(weights[i])));
        }
        return ExperimentState.of(experimentId, arms, "arm-0", ExperimentState.Status.RUNNING, NOW, NOW);
    }
}
