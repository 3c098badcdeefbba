package io.qaflow.gateway.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentState.Arm;
import io.qaflow.model.ExperimentState.Status;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.Variant;
import io.qaflow.model.VariantAssignment;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExperimentVariantResolverTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final Arm CONTROL = new Arm("control", "1.0.0", "gpt-4o-mini", 5, 50);
    private static final Arm CONCISE = new Arm("concise", "1.1.0", "gpt-4o", 8, 50, 0.3);

    private final ExperimentCatalog catalog = new ExperimentCatalog();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExperimentVariantResolver resolver = new ExperimentVariantResolver(catalog, registry);

    @Test
    void withoutExperimentsRequestsGetTheDefaultsWithTheCallersTopK() {
        assertThat(resolver.resolve("r-1", "alice", 3)).isEqualTo(Variant.defaults(3));
        assertThat(resolver.resolve("r-2", null, null)).isEqualTo(Variant.defaults(Variant.DEFAULT_TOP_K));
        assertThat(assignments("default", "control")).isEqualTo(2);
    }

    @Test
    void aRunningExperimentAssignsEveryUserToTheArmTheHashPicksWithTheArmsConfiguration() {
        ExperimentState experiment = experiment("concise-prompt", Status.RUNNING, T0, CONTROL, CONCISE);
        catalog.experiment(experiment.experimentId(), experiment);

        Map<String, Integer> perArm = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            String user = "user-" + i;
            Variant variant = resolver.resolve("request-" + i, user, null);
            Arm arm = VariantAssignment.assign(experiment, user);
            assertThat(variant).isEqualTo(new Variant("concise-prompt", arm.name(), Variant.DEFAULT_PROMPT,
                    arm.promptVersion(), arm.model(), arm.topK(), arm.temperature()));
            assertThat(variant.temperature()).isEqualTo(arm.name().equals("concise") ? 0.3 : null);
            assertThat(resolver.resolve("another-request-" + i, user, null)).isEqualTo(variant);
            perArm.merge(arm.name(), 1, Integer::sum);
        }
        assertThat(perArm.get("control")).isBetween(400, 600);
        assertThat(perArm.get("concise")).isBetween(400, 600);
        assertThat(assignments("concise-prompt", "control") + assignments("concise-prompt", "concise"))
                .isEqualTo(2000);
    }

    @Test
    void anonymousRequestsAreAssignedByTheirRequestId() {
        ExperimentState experiment = experiment("concise-prompt", Status.RUNNING, T0, CONTROL, CONCISE);
        catalog.experiment(experiment.experimentId(), experiment);

        for (int i = 0; i < 200; i++) {
            String requestId = "request-" + i;
            assertThat(resolver.resolve(requestId, null, null).variant())
                    .isEqualTo(VariantAssignment.assign(experiment, requestId).name());
        }
    }

    @Test
    void insideAnExperimentTheCallersTopKIsIgnoredAndTheArmDecides() {
        catalog.experiment("concise-prompt", experiment("concise-prompt", Status.RUNNING, T0, CONTROL, CONCISE));

        for (int i = 0; i < 100; i++) {
            Variant variant = resolver.resolve("r-" + i, "user-" + i, 20);
            assertThat(variant.topK()).isEqualTo(variant.variant().equals("control") ? 5 : 8);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"DRAFT", "PAUSED", "STOPPED", "COMPLETED", "PROMOTED", "ROLLED_BACK"})
    void onlyRunningExperimentsGetTraffic(Status status) {
        catalog.experiment("concise-prompt", experiment("concise-prompt", status, T0, CONTROL, CONCISE));

        for (int i = 0; i < 100; i++) {
            assertThat(resolver.resolve("r-" + i, "user-" + i, 4)).isEqualTo(Variant.defaults(4));
        }
        assertThat(assignments("concise-prompt", "control") + assignments("concise-prompt", "concise")).isZero();
    }

    @Test
    void aRolledBackExperimentReturnsEveryoneToTheDefaults() {
        ExperimentState running = experiment("concise-prompt", Status.RUNNING, T0, CONTROL, CONCISE);
        catalog.experiment("concise-prompt", running);
        List<String> users = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "user-" + i).toList();
        assertThat(users).allSatisfy(u -> assertThat(resolver.resolve("r", u, null).experimentId())
                .isEqualTo("concise-prompt"));

        catalog.experiment("concise-prompt", experiment("concise-prompt", Status.ROLLED_BACK, T0, CONTROL, CONCISE));

        assertThat(users).allSatisfy(u -> assertThat(resolver.resolve("r", u, null))
                .isEqualTo(Variant.defaults(Variant.DEFAULT_TOP_K)));
    }

    @Test
    void theEarliestStartedRunningExperimentGetsAllTraffic() {
        Arm otherControl = new Arm("control", "1.0.0", "gpt-4o-mini", 5, 90);
        Arm otherTreatment = new Arm("bigger-model", "1.0.0", "gpt-4o", 5, 10);
        catalog.experiment("later", experiment("later", Status.RUNNING, T0.plusSeconds(60), otherControl,
                otherTreatment));
        catalog.experiment("earlier", experiment("earlier", Status.RUNNING, T0, CONTROL, CONCISE));

        for (int i = 0; i < 100; i++) {
            assertThat(resolver.resolve("r-" + i, "user-" + i, null).experimentId()).isEqualTo("earlier");
        }

        catalog.experiment("earlier", experiment("earlier", Status.COMPLETED, T0, CONTROL, CONCISE));
        assertThat(resolver.resolve("r", "user-1", null).experimentId()).isEqualTo("later");
    }

    @Test
    void outsideExperimentsThePublishedDefaultPromptVersionAppliesToTheNextRequest() {
        assertThat(resolver.resolve("r-1", "alice", null).promptVersion()).isEqualTo(Variant.DEFAULT_PROMPT_VERSION);

        catalog.defaultPrompt(PromptVersion.defaultKey(Variant.DEFAULT_PROMPT), prompt(Variant.DEFAULT_PROMPT, "1.1.0"));
        assertThat(resolver.resolve("r-2", "alice", 7))
                .isEqualTo(new Variant(Variant.DEFAULT_EXPERIMENT, Variant.CONTROL, Variant.DEFAULT_PROMPT, "1.1.0",
                        Variant.AUTO_MODEL, 7));

        // a rollback of the prompt is the default moving back
        catalog.defaultPrompt(PromptVersion.defaultKey(Variant.DEFAULT_PROMPT), prompt(Variant.DEFAULT_PROMPT, "1.0.0"));
        assertThat(resolver.resolve("r-3", "alice", null).promptVersion()).isEqualTo("1.0.0");
    }

    @Test
    void otherPromptNamesDefaultsDoNotChangeTheAnswerPrompt() {
        catalog.defaultPrompt("summary", prompt("summary", "3.0.0"));

        assertThat(resolver.resolve("r-1", null, null)).isEqualTo(Variant.defaults(Variant.DEFAULT_TOP_K));
    }

    @Test
    void experimentArmsKeepTheirOwnPromptVersionWhateverTheDefault() {
        catalog.defaultPrompt(Variant.DEFAULT_PROMPT, prompt(Variant.DEFAULT_PROMPT, "2.0.0"));
        ExperimentState experiment = experiment("concise-prompt", Status.RUNNING, T0, CONTROL, CONCISE);
        catalog.experiment("concise-prompt", experiment);

        for (int i = 0; i < 50; i++) {
            Variant variant = resolver.resolve("r-" + i, "user-" + i, null);
            assertThat(variant.promptVersion()).isIn("1.0.0", "1.1.0");
        }
    }

    private double assignments(String experiment, String variant) {
        var counter = registry.find("qa.experiment.assignments").tag("experiment", experiment).tag("variant", variant)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    static ExperimentState experiment(String id, Status status, Instant startedAt, Arm... arms) {
        return ExperimentState.of(id, List.of(arms), arms[0].name(), status, startedAt, startedAt);
    }

    static PromptVersion prompt(String name, String version) {
        return PromptVersion.of(name, version, "You answer from the context.", "{{context}}\n\n{{question}}", "test",
                "version " + version, 40, T0).asDefault(T0);
    }
}
