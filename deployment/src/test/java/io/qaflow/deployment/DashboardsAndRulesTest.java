package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.deployment.CustomResources.Rule;
import io.qaflow.deployment.CustomResources.RuleFile;
import io.qaflow.deployment.CustomResources.RuleGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboards (helm/qaflow/files/dashboards) and the Prometheus alert rules (files/alerts): valid,
 * provisioning-ready, and reading only the metrics listed in files/metrics.txt.
 */
class DashboardsAndRulesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void dashboardsAreValidJsonWithUniqueUidsAndTheDatasourceAsAVariable() throws IOException {
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        List<Path> files = dashboards();
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        for (Path file : files) {
            JsonNode dashboard = JSON.readTree(Files.readString(file));
            String uid = dashboard.path("uid").asString();
            assertThat(uid).as(file + " uid").matches("[a-z0-9-]{1,40}");
            assertThat(uids.add(uid)).as("uid " + uid + " is used twice").isTrue();
            assertThat(titles.add(dashboard.path("title").asString())).as("title of " + file).isTrue();
            assertThat(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull())
                    .as(file + ": no database id, so provisioning can import it anywhere").isTrue();
            JsonNode datasource = null;
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asString().equals("datasource")) {
                    datasource = variable;
                }
            }
            assertThat(datasource).as(file + " has a datasource variable").isNotNull();
            assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
            String variable = "${" + datasource.path("name").asString() + "}";
            for (JsonNode panel : panels(dashboard)) {
                assertThat(panel.path("datasource").path("uid").asString())
                        .as(file + " panel " + panel.path("title")).isEqualTo(variable);
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asString()).as(file + " panel " + panel.path("title")).isNotBlank();
                }
            }
        }
    }

    @Test
    void alertRulesAreWellFormed() {
        RuleFile rules = Manifests.STRICT.readValue(Repo.read(Repo.ALERT_RULES), RuleFile.class);
        Set<String> names = new HashSet<>();
        for (RuleGroup group : rules.groups()) {
            assertThat(group.rules()).as(group.name()).isNotEmpty();
            for (Rule rule : group.rules()) {
                assertThat(rule.alert()).matches("Qaflow[A-Za-z0-9]+");
                assertThat(names.add(rule.alert())).as(rule.alert() + " is defined twice").isTrue();
                assertThat(rule.expr()).isNotBlank();
                assertThat(rule.labels()).containsKey("severity");
                assertThat(rule.labels().get("severity")).isIn("critical", "warning");
                assertThat(rule.annotations()).containsKeys("summary", "description");
                if (rule.forDuration() != null) {
                    assertThat(rule.forDuration()).matches("[0-9]+[smh]");
                }
            }
        }
        assertThat(names).contains("QaflowSuccessRateLow", "QaflowLatencyP95High", "QaflowLlmCostJump",
                "QaflowLlmCircuitOpen", "QaflowConsumerLagGrowing", "QaflowVerdictsStale", "QaflowRedisDegraded");
    }

    @Test
    void everyMetricReadIsListedAndEveryListedMetricIsRead() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        for (Path file : dashboards()) {
            for (JsonNode panel : panels(JSON.readTree(Files.readString(file)))) {
                for (JsonNode target : panel.path("targets")) {
                    PromQl.metricNames(target.path("expr").asString())
                            .forEach(n -> used.computeIfAbsent(n, k -> new TreeSet<>()).add(file.getFileName().toString()));
                }
            }
            for (JsonNode variable : JSON.readTree(Files.readString(file)).path("templating").path("list")) {
                String query = variable.path("query").path("query").asString("");
                if (query.startsWith("label_values(")) {
                    PromQl.metricNames(query.substring("label_values(".length(), query.lastIndexOf(',')))
                            .forEach(n -> used.computeIfAbsent(n, k -> new TreeSet<>()).add(file.getFileName().toString()));
                }
            }
        }
        RuleFile rules = Manifests.STRICT.readValue(Repo.read(Repo.ALERT_RULES), RuleFile.class);
        rules.groups().forEach(g -> g.rules().forEach(r -> PromQl.metricNames(r.expr())
                .forEach(n -> used.computeIfAbsent(n, k -> new TreeSet<>()).add("qaflow.rules.yml"))));

        assertThat(used.keySet()).as("metrics read by dashboards and rules, by file: " + used).isEqualTo(listed());
        assertThat(used.keySet()).allMatch(n -> n.matches("[a-z_:][a-z0-9_:]*"));
    }

    /** The names in files/metrics.txt: the first word of each line that is not a comment. */
    static Set<String> listed() {
        Set<String> names = new TreeSet<>();
        Repo.read(Repo.METRICS_LIST).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .forEach(l -> names.add(l.split("\\s+")[0]));
        return names;
    }

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(Repo.DASHBOARDS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        return dashboard.path("panels").valueStream().flatMap(p -> p.path("type").asString().equals("row")
                ? p.path("panels").valueStream() : Stream.of(p)).toList();
    }
}
