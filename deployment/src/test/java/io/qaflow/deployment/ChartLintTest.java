package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict}: the chart as it is, and with each ci/*-values.yaml. */
class ChartLintTest {

    static List<Path> ciValuesFiles() {
        return Repo.ciValuesFiles();
    }

    @Test
    void theChartLintsCleanWithItsDefaults() {
        LintResult result = HelmChart.lint();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).as("strict lint: no warning either")
                .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void theChartLintsCleanWithEachCiValuesFile(Path valuesFile) {
        LintResult result = HelmChart.lint(valuesFile);
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void thereAreCiValuesFilesForTheCasesThatMatter() {
        assertThat(ciValuesFiles()).extracting(p -> p.getFileName().toString())
                .contains("default-values.yaml", "external-kafka-strimzi-values.yaml", "autoscaling-keda-values.yaml",
                        "minimal-values.yaml");
    }
}
