package io.qaflow.controller.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpStatsSourceTest {

    @Test
    void readsTheAggregatorsStatisticsOverHttp() {
        try (FakeAggregator aggregator = FakeAggregator.start()) {
            aggregator.serve(new AggregatorStats("exp-1", List.of(
                    ReportSamples.variant("exp-1", "control", 600, 540, 80, 20, 0.002, 100, 2))));

            StatsSource.Result result = new HttpStatsSource(aggregator.url(), Duration.ofSeconds(5)).stats("exp-1");

            assertThat(result.warning()).isNull();
            assertThat(result.stats().variants()).singleElement().satisfies(v -> {
                assertThat(v.variant()).isEqualTo("control");
                assertThat(v.cumulative().requests()).isEqualTo(600);
                assertThat(v.cumulative().latencyMs().total().p99()).isEqualTo(300);
                assertThat(v.recentWindows()).hasSize(2);
            });
        }
    }

    @Test
    void anExperimentTheAggregatorDoesNotKnowIsAWarning() {
        try (FakeAggregator aggregator = FakeAggregator.start()) {
            StatsSource.Result result = new HttpStatsSource(aggregator.url(), Duration.ofSeconds(5)).stats("nope");

            assertThat(result.stats()).isNull();
            assertThat(result.warning()).contains("no statistics");
        }
    }

    @Test
    void anUnreachableAggregatorIsAWarningNotAnError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort);

        StatsSource.Result result = new HttpStatsSource(url, Duration.ofSeconds(2)).stats("exp-1");

        assertThat(result.stats()).isNull();
        assertThat(result.warning()).contains("unreachable", url.toString());
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsAWarning() {
        try (FakeAggregator aggregator = FakeAggregator.start()) {
            aggregator.drop("exp-1");

            StatsSource.Result result = new HttpStatsSource(aggregator.url(), Duration.ofSeconds(2)).stats("exp-1");

            assertThat(result.stats()).isNull();
            assertThat(result.warning()).contains("unreachable");
        }
    }
}
