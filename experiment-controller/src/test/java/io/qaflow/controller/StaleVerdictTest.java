package io.qaflow.controller;

import static io.qaflow.controller.Samples.metric;
import static io.qaflow.controller.Samples.treatment;
import static io.qaflow.controller.Samples.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.controller.decision.BanditRule;
import io.qaflow.controller.freshness.VerdictFreshness;
import io.qaflow.controller.prompt.PromptRegistry;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.kafka.KafkaSupportProperties;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * A verdict older than the max age decides nothing (the same one, fresh, would roll the experiment back), and the
 * experiment's staleness shows in the {@code verdicts} health details and the {@code qa.experiment.verdict.age}
 * gauge. Before, a verdict read late (the controller's consumer catching up after an outage, or the aggregator
 * stopped for minutes) acted as if it were new.
 */
class StaleVerdictTest {
    private static final Serializer<Object> TEXT = (topic, data) -> data instanceof byte[] bytes ? bytes
            : String.valueOf(data).getBytes(StandardCharsets.UTF_8);
    private static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<Object, Object> producer = new MockProducer<>(true, null, TEXT, TEXT);
    private final MutableClock clock = new MutableClock(Instant.now());
    private final ExperimentStore store = new ExperimentStore();
    private final ControllerMetrics metrics = new ControllerMetrics(registry);
    private final EventPublisher publisher = EventPublisher.unprobed(
            new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)),
            new KafkaSupportProperties.Publish(Duration.ofSeconds(5), 1, Duration.ofMillis(10)), registry);
    private final ExperimentService service = new ExperimentService(store, publisher,
            new PromptRegistry(store, publisher, metrics, clock), metrics, clock,
            new BanditRule.Settings(Duration.ofMinutes(1), 0.02, 1_000), MAX_AGE);

    StaleVerdictTest() {
        store.applyRead("exp-1", Samples.running("exp-1"), 0);
        store.markCaughtUp();
    }

    @Test
    void aVerdictOlderThanTheMaxAgeDecidesNothingWhileTheSameVerdictFreshActs() {
        ExperimentVerdict breach = verdict("exp-1", Samples.STARTED, 2_000, treatment("concise",
                Decision.GUARDRAIL_BREACH, metric(ExperimentMetric.DEGRADED_RATE, 0.0, 0.3, 1e-6, true, 0.05)));
        ExperimentVerdict stale = Samples.computedEarlier(breach, 300);

        assertThat(service.decide(stale, null)).isEmpty();
        assertThat(producer.history()).as("nothing published").isEmpty();
        assertThat(registry.get("qa.experiment.verdicts").tag("outcome", "stale").counter().count()).isEqualTo(1);

        assertThat(service.decide(breach, null)).map(ExperimentState::status)
                .contains(ExperimentState.Status.ROLLED_BACK);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void aRunningExperimentWithoutARecentVerdictShowsAsStale() {
        LatestVerdicts latest = new LatestVerdicts();
        VerdictFreshness freshness = new VerdictFreshness(store, latest, MAX_AGE, clock, registry);
        latest.record(verdict("exp-1", Samples.STARTED, 100, treatment("concise", Decision.INSUFFICIENT_DATA)));
        clock.advance(Duration.ofSeconds(10));

        assertThat(freshness.ages()).singleElement().satisfies(age -> {
            assertThat(age.experimentId()).isEqualTo("exp-1");
            assertThat(age.stale()).isFalse();
        });

        clock.advance(Duration.ofSeconds(90));
        freshness.start();
        try {
            assertThat(freshness.health().getDetails()).containsEntry("exp-1", Map.of("ageSeconds",
                    freshness.ages().getFirst().age().toSeconds(), "stale", true));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(registry.get("qa.experiment.verdict.age").tag("experiment", "exp-1").gauge()
                            .value()).isGreaterThan(MAX_AGE.toSeconds()));
        } finally {
            freshness.stop();
        }
    }
}
