package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json refuses what would deploy something broken: helm template and helm lint both fail. */
class ChartValuesSchemaTest {
    @TempDir
    Path dir;

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("replicas of the wrong type", "gateway:\n  replicas: two\n", "/gateway/replicas"),
                Arguments.of("negative replicas", "embedderWorker:\n  replicas: -1\n", "/embedderWorker/replicas"),
                Arguments.of("an unknown top-level key", "gatway:\n  replicas: 2\n", "gatway"),
                Arguments.of("an unknown nested key", "answerWorker:\n  keda:\n    maxReplica: 4\n", "maxReplica"),
                Arguments.of("a misspelt service setting block", "kafka:\n  bootstrap: kafka:9092\n", "bootstrap"),
                Arguments.of("bootstrap servers without a port", "kafka:\n  bootstrapServers: kafka\n",
                        "/kafka/bootstrapServers"),
                Arguments.of("zero partitions", "kafka:\n  topics:\n    partitions: 0\n", "/kafka/topics/partitions"),
                Arguments.of("an unknown security protocol", "kafka:\n  securityProtocol: TLS\n",
                        "/kafka/securityProtocol"),
                Arguments.of("an unknown log format", "logging:\n  format: xml\n", "/logging/format"),
                Arguments.of("two experiment controllers", "experimentController:\n  replicas: 2\n",
                        "/experimentController/replicas"),
                Arguments.of("a writable root filesystem", "containerSecurityContext:\n  readOnlyRootFilesystem: false\n"
                        + "  allowPrivilegeEscalation: false\n", "/containerSecurityContext/readOnlyRootFilesystem"),
                Arguments.of("running as root", "podSecurityContext:\n  runAsNonRoot: false\n", "/podSecurityContext/runAsNonRoot"),
                Arguments.of("an API key hash that is not SHA-256 hex",
                        "gateway:\n  access:\n    keys:\n      - {id: app, sha256: secret}\n", "sha256"),
                Arguments.of("an environment variable name Spring cannot map", "env:\n  qaflow.redis.url: x\n", "invalid propertyName 'qaflow.redis.url'"),
                Arguments.of("a Redis URL that is not one", "redis:\n  url: 127.0.0.1:6379\n", "/redis/url"),
                Arguments.of("a CPU target over 100%", "gateway:\n  autoscaling:\n    targetCPUUtilizationPercentage: 150\n",
                        "targetCPUUtilizationPercentage"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void templateAndLintRefuse(String what, String yaml, String where) throws IOException {
        Path values = Files.writeString(dir.resolve("invalid-values.yaml"), yaml);

        assertThatThrownBy(() -> HelmChart.template(Map.of(), values)).as(what)
                .hasMessageContaining("values don't meet the specifications of the schema");
        LintResult lint = HelmChart.lint(values);
        assertThat(lint.isFailed()).as(what).isTrue();
        assertThat(String.join("\n", lint.getMessages())).as(what).contains(where);
    }

    @Test
    void theDefaultsAndEveryCiFileAreValid() {
        assertThat(HelmChart.template(Map.of())).contains("kind: Deployment");
        Repo.ciValuesFiles().forEach(file -> assertThat(HelmChart.template(Map.of(), file)).contains("kind: StatefulSet"));
    }
}
