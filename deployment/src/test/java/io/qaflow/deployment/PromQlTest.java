package io.qaflow.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {
    @Test
    void findsTheMetricsOfAnExpressionAndNothingElse() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, stage) "
                + "(rate(qa_latency_seconds_bucket{stage=\"total\",application=~\"$application\"}[$__rate_interval])))"))
                .containsExactly("qa_latency_seconds_bucket");
        assertThat(PromQl.metricNames("sum(rate(qa_llm_cost_usd_total[1h])) > 2 * sum(rate(qa_llm_cost_usd_total[1h] "
                + "offset 1d)) and sum(rate(qa_llm_cost_usd_total[1h])) * 3600 > 1"))
                .containsExactly("qa_llm_cost_usd_total");
        assertThat(PromQl.metricNames("sum by (experiment, variant) (rate(a_total[5m])) / ignoring (variant) "
                + "group_left sum by (experiment) (rate(b_total[5m]))")).containsExactly("a_total", "b_total");
        assertThat(PromQl.metricNames("max by (application) (qa_redis_degraded) > 0 unless on (application) up"))
                .containsExactly("qa_redis_degraded", "up");
    }
}
