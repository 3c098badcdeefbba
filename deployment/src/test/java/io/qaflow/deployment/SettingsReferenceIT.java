package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/settings.md says what the jars being built read (an integration test: it needs the executable jars). */
class SettingsReferenceIT {

    @Test
    void docsSettingsIsWhatTheJarsRead() {
        Map<Component, Path> jars = new LinkedHashMap<>();
        Arrays.stream(Component.values()).forEach(c -> jars.put(c, c.executableJar()));
        String generated = SettingsReference.render(jars);

        assertThat(generated).contains("`qaflow.kafka.topics.replication-factor` | "
                + "`QAFLOW_KAFKA_TOPICS_REPLICATION_FACTOR`", "`spring.kafka.bootstrap-servers`");
        assertThat(Repo.read(Repo.ROOT.resolve("docs/settings.md")))
                .as("docs/settings.md is out of date: run ./qaflow settings").isEqualTo(generated);
    }

    @Test
    void aSettingsDefaultIsTheServicesPackagedValueOverTheMetadatas() {
        assertThat(SettingsReference.settings(Component.GATEWAY, Component.GATEWAY.executableJar()))
                .anySatisfy(s -> {
                    assertThat(s.property()).isEqualTo("server.port");
                    assertThat(s.defaultValue()).isEqualTo("8080");
                    assertThat(s.environment()).isEqualTo("SERVER_PORT");
                })
                .anySatisfy(s -> {
                    assertThat(s.property()).isEqualTo("qaflow.kafka.publish.attempts");
                    assertThat(s.defaultValue()).as("gateway.yml sets one attempt").isEqualTo("1");
                });
    }
}
