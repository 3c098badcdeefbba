package io.qaflow.metrics.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datadoghq.sketch.ddsketch.DDSketches;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.kafka.StreamsDeadLetters;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.FeedbackGiven;
import io.qaflow.model.Rating;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.VariantStats;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.support.KafkaHeaders;

class AggregatorTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final String APPLICATION = "aggregator-test";
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration FLUSH = Duration.ofSeconds(1);
    private static final Duration VERDICTS = Duration.ofSeconds(10);
    private static final Variant CONTROL = new Variant("prompt-v2", Variant.CONTROL, "qa-answer", "1.0.0", "m", 5);
    private static final Variant CONCISE = new Variant("prompt-v2", "concise", "qa-answer", "2.0.0", "m", 5);

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, AnswerCompleted> answers;
    private TestInputTopic<String, RequestFailed> failures;
    private TestInputTopic<String, FeedbackGiven> feedback;
    private TestOutputTopic<String, VariantStats> stats;

    @BeforeEach
    void start() {
        Map<String, Object> config = new HashMap<>();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        StreamsDeadLetters.configure(config, registry);
        var props = new Properties();
        props.putAll(config);
        driver = new TopologyTestDriver(AggregatorTopology.build(
                new TopologySettings(Duration.ofMinutes(1), GRACE, Duration.ofDays(1), FLUSH, VERDICTS)), props);
        answers = input(Topics.ANSWERS);
        failures = input(Topics.FAILURES);
        feedback = input(Topics.FEEDBACK);
        stats = driver.createOutputTopic(Topics.EXPERIMENT_STATS.name(), Topics.EXPERIMENT_STATS.keySerde().deserializer(),
                Topics.EXPERIMENT_STATS.valueSerde());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void windowsAreTumblingMinutesWithInclusiveStartAndExclusiveEnd() {
        answer("r1", CONTROL, T0, 100);
        answer("r2", CONTROL, T0.plusMillis(59_999), 200);
        answer("r3", CONTROL, T0.plusSeconds(60), 300);

        Map<String, VariantStats> latest = latest();

        VariantStats first = latest.get(VariantStats.key("prompt-v2", "control", T0));
        assertThat(first.requests()).isEqualTo(2);
        assertThat(first.cumulative()).isFalse();
        assertThat(first.windowEnd()).isEqualTo(T0.plusSeconds(60));
        assertThat(latest.get(VariantStats.key("prompt-v2", "control", T0.plusSeconds(60))).requests()).isEqualTo(1);
        VariantStats cumulative = latest.get(VariantStats.key("prompt-v2", "control", null));
        assertThat(cumulative.requests()).isEqualTo(3);
        assertThat(cumulative.windowStart()).isEqualTo(T0);
        assertThat(cumulative.windowEnd()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void anEventWithinTheGracePeriodIsCountedInItsWindow() {
        answer("r1", CONTROL, T0.plusSeconds(10), 100);
        answer("r2", CONTROL, T0.plusSeconds(69), 100); // stream time 12:01:09, window 12:00 closes at 12:01:10
        answer("r3", CONTROL, T0.plusSeconds(30), 100);

        Map<String, VariantStats> latest = latest();

        assertThat(latest.get(VariantStats.key("prompt-v2", "control", T0)).requests()).isEqualTo(2);
        assertThat(latest.get(VariantStats.key("prompt-v2", "control", null)).late()).isZero();
    }

    @Test
    void anEventAfterTheGracePeriodIsCountedCumulativelyAndAsLateNotInItsWindow() {
        answer("r1", CONTROL, T0.plusSeconds(10), 100);
        answer("r2", CONTROL, T0.plusSeconds(70), 100); // stream time 12:01:10: window 12:00 has closed
        answer("r3", CONTROL, T0.plusSeconds(30), 100);
        fail("r4", CONTROL, T0.plusSeconds(5), FailureCode.EXPIRED, FailureStage.GENERATION);

        Map<String, VariantStats> latest = latest();

        assertThat(latest.get(VariantStats.key("prompt-v2", "control", T0)).requests()).isEqualTo(1);
        VariantStats cumulative = latest.get(VariantStats.key("prompt-v2", "control", null));
        assertThat(cumulative.requests()).isEqualTo(4);
        assertThat(cumulative.late()).isEqualTo(2);
        assertThat(cumulative.expired()).isEqualTo(1);
        assertThat(cumulative.windowStart()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aRedeliveredTerminalEventIsCountedOnce() {
        AnswerCompleted first = answer("r1", CONTROL, T0, 100);
        answers.pipeInput(first.requestId(), first, first.occurredAt());
        // a second terminal event of the same request (a worker crash after publishing) carries the same id
        fail("r1", CONTROL, T0.plusSeconds(1), FailureCode.LLM_FAILED, FailureStage.GENERATION);

        VariantStats cumulative = latest().get(VariantStats.key("prompt-v2", "control", null));

        assertThat(cumulative.requests()).isEqualTo(1);
        assertThat(cumulative.answered()).isEqualTo(1);
        assertThat(cumulative.failed()).isZero();
        assertThat(cumulative.latencyMs().total().count()).isEqualTo(1);
    }

    @Test
    void requestsOutsideExperimentsAreAggregatedUnderTheDefaultExperiment() {
        answer("r1", Variant.defaults(5), T0, 100);
        answer("r2", Variant.defaults(8), T0, 100);

        VariantStats cumulative = latest().get("default/control/cumulative");

        assertThat(cumulative.experimentId()).isEqualTo(Variant.DEFAULT_EXPERIMENT);
        assertThat(cumulative.requests()).isEqualTo(2);
    }

    @Test
    void feedbackIsCountedPerVariantWithoutCountingRequests() {
        giveFeedback("r1", CONTROL, Rating.UP, T0);
        giveFeedback("r2", CONTROL, Rating.UP, T0.plusSeconds(1));
        giveFeedback("r3", CONTROL, Rating.DOWN, T0.plusSeconds(2));
        giveFeedback("r4", CONCISE, Rating.DOWN, T0.plusSeconds(3));

        Map<String, VariantStats> latest = latest();

        VariantStats control = latest.get(VariantStats.key("prompt-v2", "control", T0));
        assertThat(control.feedbackUp()).isEqualTo(2);
        assertThat(control.feedbackDown()).isEqualTo(1);
        assertThat(control.requests()).isZero();
        assertThat(latest.get(VariantStats.key("prompt-v2", "concise", null)).feedbackDown()).isEqualTo(1);
    }

    @Test
    void variantsAreSeparatedAndEveryFigureIsAggregated() {
        answers.pipeInput("r1", answerEvent("r1", CONCISE, T0, 100, true, false, 0.010));
        answers.pipeInput("r2", answerEvent("r2", CONCISE, T0.plusSeconds(1), 200, false, true, 0.020));
        answer("r3", CONTROL, T0.plusSeconds(2), 300);
        fail("r4", CONCISE, T0.plusSeconds(3), FailureCode.EXPIRED, FailureStage.GATEWAY);
        fail("r5", CONCISE, T0.plusSeconds(4), FailureCode.LLM_FAILED, FailureStage.GENERATION);

        Map<String, VariantStats> latest = latest();

        VariantStats concise = latest.get(VariantStats.key("prompt-v2", "concise", T0));
        assertThat(concise.requests()).isEqualTo(4);
        assertThat(concise.answered()).isEqualTo(2);
        assertThat(concise.failed()).isEqualTo(2);
        assertThat(concise.expired()).isEqualTo(1);
        assertThat(concise.failedByCode()).containsExactlyInAnyOrderEntriesOf(
                Map.of(FailureCode.EXPIRED, 1L, FailureCode.LLM_FAILED, 1L));
        assertThat(concise.failedByStage()).containsExactlyInAnyOrderEntriesOf(
                Map.of(FailureStage.GATEWAY, 1L, FailureStage.GENERATION, 1L));
        assertThat(concise.cacheHits()).isEqualTo(1);
        assertThat(concise.degraded()).isEqualTo(1);
        assertThat(concise.promptTokens()).isEqualTo(200);
        assertThat(concise.completionTokens()).isEqualTo(20);
        // costs 0.01, 0.02, 0, 0: mean 0.0075, sample variance 0.0000916666...
        assertThat(concise.costUsd().sum()).isCloseTo(0.03, within(1e-12));
        assertThat(concise.costUsd().mean()).isCloseTo(0.0075, within(1e-12));
        assertThat(concise.costUsd().variance()).isCloseTo(0.000275 / 3, within(1e-12));
        assertThat(concise.latencyMs().total().count()).isEqualTo(2);
        assertThat(concise.latencyMs().total().p50()).isCloseTo(100, within(1.0));
        assertThat(concise.latencyMs().generate().p50()).isCloseTo(50, within(0.5));
        assertThat(latest.get(VariantStats.key("prompt-v2", "control", T0)).requests()).isEqualTo(1);
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        var raw = driver.createInputTopic(Topics.ANSWERS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        raw.pipeInput("r-bad", "{not json".getBytes(StandardCharsets.UTF_8), T0);
        answer("r1", CONTROL, T0, 100);

        var dead = driver.createOutputTopic(Topics.ANSWERS.deadLetterName(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        var record = dead.readRecord();
        assertThat(record.key()).isEqualTo("r-bad");
        assertThat(record.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isNotNull();
        assertThat(new String(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC).value(),
                StandardCharsets.UTF_8)).isEqualTo(Topics.ANSWERS.name());
        assertThat(latest().get(VariantStats.key("prompt-v2", "control", null)).requests()).isEqualTo(1);
        assertThat(registry.get("qa.kafka.dead_letters").tag("topic", Topics.ANSWERS.name())
                .tag("reason", "unreadable").counter().count()).isEqualTo(1);
    }

    /**
     * A partial aggregate that reads fine but cannot be merged (its latency sketch uses another index mapping, as a
     * rolling upgrade that changed the sketch's accuracy would send): the merge throws while processing. It is
     * parked with the error, counted, and the aggregator goes on counting: before, the exception killed the stream
     * thread and the Streams client with it, and every verdict after.
     */
    @Test
    void aRecordWhoseProcessingThrowsIsParkedAndCountingGoesOn() {
        VariantAggregate incompatible = new VariantAggregate();
        incompatible.experimentId = "prompt-v2";
        incompatible.variant = Variant.CONTROL;
        incompatible.firstEventMs = T0.toEpochMilli();
        incompatible.lastEventMs = T0.toEpochMilli();
        incompatible.answered = 1;
        incompatible.total = DDSketches.unboundedDense(0.05);
        incompatible.total.accept(100);
        var repartition = driver.createInputTopic(APPLICATION + "-by-variant-repartition",
                Serdes.String().serializer(), new VariantAggregateSerde().serializer());
        repartition.pipeInput("prompt-v2/" + Variant.CONTROL, incompatible, T0);

        answer("r1", CONTROL, T0, 100);

        var dead = driver.createOutputTopic(Topics.INTERNAL_DEAD_LETTERS, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        var record = dead.readRecord();
        assertThat(record.key()).isEqualTo("prompt-v2/" + Variant.CONTROL);
        assertThat(new String(record.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_FQCN).value(),
                StandardCharsets.UTF_8)).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(registry.get("qa.kafka.dead_letters").tag("topic", "internal").tag("reason", "failed")
                .counter().count()).isPositive();
        assertThat(latest().get(VariantStats.key("prompt-v2", "control", null)).requests()).isEqualTo(1);
    }

    @Test
    void verdictsCompareEveryTreatmentWithControlAndCarryTheSequentialStateAcrossLooks() {
        var experiment = ExperimentState.of("prompt-v2", List.of(
                        new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "m", 5, 1),
                        new ExperimentState.Arm("concise", "2.0.0", "m", 5, 1)),
                Variant.CONTROL, ExperimentState.Status.RUNNING, T0, ExperimentMetric.SUCCESS_RATE, 0.05,
                List.of(new ExperimentState.Guardrail(ExperimentMetric.DEGRADED_RATE, 0.05, false)), T0);
        input(Topics.EXPERIMENTS).pipeInput(experiment.experimentId(), experiment, T0);
        var verdicts = driver.createOutputTopic(Topics.EXPERIMENT_VERDICTS.name(),
                Topics.EXPERIMENT_VERDICTS.keySerde().deserializer(), Topics.EXPERIMENT_VERDICTS.valueSerde());
        for (int i = 0; i < 150; i++) {
            Instant at = T0.plusMillis(i * 100L);
            answers.pipeInput("c" + i, answerEvent("c" + i, CONTROL, at, 100, false, false, 0.001), at);
            // the treatment's LLM fails on 30% of the requests: degraded fallback answers
            answers.pipeInput("t" + i, answerEvent("t" + i, CONCISE, at, 100, false, i % 10 < 3, 0.001), at);
        }
        answer("d1", Variant.defaults(5), T0, 100);
        driver.advanceWallClockTime(VERDICTS);

        Map<String, ExperimentVerdict> first = verdicts.readKeyValuesToMap();
        assertThat(first).containsOnlyKeys("prompt-v2"); // no definition, no verdict for the default experiment
        ExperimentVerdict verdict = first.get("prompt-v2");
        assertThat(verdict.observedRequests()).containsEntry(Variant.CONTROL, 150L).containsEntry("concise", 150L);
        var treatment = verdict.treatment("concise");
        assertThat(treatment.decision()).isEqualTo(ExperimentVerdict.Decision.GUARDRAIL_BREACH);
        var degraded = treatment.metric(ExperimentMetric.DEGRADED_RATE);
        assertThat(degraded.treatmentValue()).isCloseTo(0.3, within(1e-12));
        assertThat(degraded.controlValue()).isZero();

        // a second look after control caught up (both 15% degraded): the sequential p-value never rises again
        for (int i = 150; i < 300; i++) {
            Instant at = T0.plusMillis(i * 100L);
            answers.pipeInput("c" + i, answerEvent("c" + i, CONTROL, at, 100, false, i % 10 < 3, 0.001), at);
            answers.pipeInput("t" + i, answerEvent("t" + i, CONCISE, at, 100, false, false, 0.001), at);
        }
        flushPartials();
        driver.advanceWallClockTime(VERDICTS);
        ExperimentVerdict second = verdicts.readKeyValuesToMap().get("prompt-v2");
        var later = second.treatment("concise").metric(ExperimentMetric.DEGRADED_RATE);
        assertThat(later.treatmentCount()).isEqualTo(300);
        assertThat(later.sequentialPValue()).isEqualTo(degraded.sequentialPValue());
        assertThat(later.mixingVariance()).isEqualTo(degraded.mixingVariance());
    }

    @Test
    void anExperimentDefinedAfterItsFirstFiguresGetsItsVerdictWithoutNewTraffic() {
        var verdicts = driver.createOutputTopic(Topics.EXPERIMENT_VERDICTS.name(),
                Topics.EXPERIMENT_VERDICTS.keySerde().deserializer(), Topics.EXPERIMENT_VERDICTS.valueSerde());
        answer("r1", CONTROL, T0, 100);
        answer("r2", CONCISE, T0, 100);
        driver.advanceWallClockTime(VERDICTS);
        assertThat(verdicts.isEmpty()).isTrue();

        var experiment = ExperimentState.of("prompt-v2", List.of(
                        new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "m", 5, 1),
                        new ExperimentState.Arm("concise", "2.0.0", "m", 5, 1)),
                Variant.CONTROL, ExperimentState.Status.RUNNING, T0, T0);
        input(Topics.EXPERIMENTS).pipeInput(experiment.experimentId(), experiment, T0);
        driver.advanceWallClockTime(VERDICTS);

        ExperimentVerdict verdict = verdicts.readKeyValuesToMap().get("prompt-v2");
        assertThat(verdict).isNotNull();
        assertThat(verdict.observedRequests()).containsEntry(Variant.CONTROL, 1L).containsEntry("concise", 1L);
    }

    private Map<String, VariantStats> latest() {
        flushPartials();
        return stats.readKeyValuesToMap();
    }

    /** Lets the input tasks forward their partial aggregates, as the wall-clock flush does every interval. */
    private void flushPartials() {
        driver.advanceWallClockTime(FLUSH);
    }

    private AnswerCompleted answer(String requestId, Variant variant, Instant at, long totalMs) {
        AnswerCompleted event = answerEvent(requestId, variant, at, totalMs, false, false, 0.001);
        answers.pipeInput(requestId, event, at);
        flushPartials();
        return event;
    }

    private static AnswerCompleted answerEvent(String requestId, Variant variant, Instant at, long totalMs,
                                               boolean cached, boolean degraded, double cost) {
        return new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal(requestId), at, requestId, "u",
                variant, "an answer", List.of(), "m", degraded, new TokenUsage(100, 10, false), cost,
                new StageLatency(totalMs, 10, 5, totalMs / 2), null, (cached) ? AnswerCompleted.CacheHit.EXACT : null,
                null);
    }

    private void fail(String requestId, Variant variant, Instant at, FailureCode code, FailureStage stage) {
        failures.pipeInput(requestId, RequestFailed.of(new RequestRef(requestId, "u", variant, null), stage, code,
                false, "x", StageLatency.NONE, at), at);
        flushPartials();
    }

    private void giveFeedback(String requestId, Variant variant, Rating rating, Instant at) {
        feedback.pipeInput(requestId, FeedbackGiven.of(requestId, rating, "u", variant, at), at);
        flushPartials();
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde());
    }
}
