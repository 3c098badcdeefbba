package io.qaflow.answer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.qaflow.model.TokenUsage;
import org.junit.jupiter.api.Test;

/** The names the dashboards and the cost alert read (helm/qaflow/files/metrics.txt), as Prometheus exposes them. */
class AnswerMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AnswerMetrics metrics = new AnswerMetrics(registry);

    @Test
    void countsTokensAndSpendByModel() {
        metrics.usage("gpt-4o-mini", new TokenUsage(1200, 300, false), 0.00036);
        metrics.usage("gpt-4o-mini", new TokenUsage(800, 100, false), 0.00018);
        metrics.usage("gpt-4o", new TokenUsage(10, 5, false), 0.000075);

        String scrape = registry.scrape();
        assertThat(scrape)
                .containsPattern("qa_llm_tokens_total\\{[^}]*model=\"gpt-4o-mini\",type=\"prompt\"} 2000\\.0")
                .containsPattern("qa_llm_tokens_total\\{[^}]*model=\"gpt-4o-mini\",type=\"completion\"} 400\\.0")
                .containsPattern("qa_llm_tokens_total\\{[^}]*model=\"gpt-4o\",type=\"prompt\"} 10\\.0")
                .containsPattern("qa_llm_cost_usd_total\\{[^}]*model=\"gpt-4o-mini\"} 5\\.4E-4")
                .containsPattern("qa_llm_cost_usd_total\\{[^}]*model=\"gpt-4o\"} 7\\.5E-5");
    }
}
