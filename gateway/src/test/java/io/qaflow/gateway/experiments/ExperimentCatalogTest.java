package io.qaflow.gateway.experiments;

import static io.qaflow.gateway.experiments.ExperimentVariantResolverTest.experiment;
import static io.qaflow.gateway.experiments.ExperimentVariantResolverTest.prompt;
import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Status;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExperimentCatalogTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final Arm A = new Arm("control", "1.0.0", "auto", 5, 1);
    private static final Arm B = new Arm("treatment", "1.1.0", "auto", 5, 1);

    private final ExperimentCatalog catalog = new ExperimentCatalog();

    @Test
    void theLatestRecordOfAnExperimentIsItsState() {
        catalog.experiment("e", experiment("e", Status.DRAFT, T0, A, B));
        assertThat(catalog.activeExperiment()).isEmpty();

        catalog.experiment("e", experiment("e", Status.RUNNING, T0, A, B));
        assertThat(catalog.activeExperiment()).map(ExperimentState::experimentId).contains("e");

        catalog.experiment("e", experiment("e", Status.PAUSED, T0, A, B));
        assertThat(catalog.activeExperiment()).isEmpty();
        assertThat(catalog.experiments()).containsOnlyKeys("e");
    }

    @Test
    void runningExperimentsAreOrderedByStartThenIdAndATombstoneForgetsOne() {
        catalog.experiment("b", experiment("b", Status.RUNNING, T0, A, B));
        catalog.experiment("a", experiment("a", Status.RUNNING, T0, A, B));
        catalog.experiment("first", experiment("first", Status.RUNNING, T0.minusSeconds(1), A, B));

        assertThat(catalog.running()).extracting(ExperimentState::experimentId).containsExactly("first", "a", "b");
        assertThat(catalog.activeExperiment()).map(ExperimentState::experimentId).contains("first");

        catalog.experiment("first", null);
        assertThat(catalog.activeExperiment()).map(ExperimentState::experimentId).contains("a");
        assertThat(catalog.experiments()).containsOnlyKeys("a", "b");
    }

    @Test
    void defaultPromptVersionsByName() {
        assertThat(catalog.defaultPromptVersion("qa-answer")).isEmpty();

        catalog.defaultPrompt("qa-answer", prompt("qa-answer", "1.2.0"));
        catalog.defaultPrompt("summary", prompt("summary", "0.1.0"));

        assertThat(catalog.defaultPromptVersion("qa-answer")).contains("1.2.0");
        assertThat(catalog.defaultPromptVersions()).containsExactly(
                java.util.Map.entry("qa-answer", "1.2.0"), java.util.Map.entry("summary", "0.1.0"));
    }
}
