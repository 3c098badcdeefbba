package io.qaflow.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Realistic instances of every event, as the services produce them. */
final class SampleEvents {
    private SampleEvents() {}

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00.123Z");
    static final Variant VARIANT = Variant.defaults(5);
    static final SourceChunk CHUNK = new SourceChunk("Super_Bowl_50-p0", "Super_Bowl_50-p0#0", "Super Bowl 50", 0.71,
            "The American Football Conference (AFC) champion Denver Broncos defeated the NFC champion Carolina Panthers.");

    static QuestionAsked questionAsked() {
        return QuestionAsked.of("r-1", "Which NFL team represented the AFC at Super Bowl 50?", "u-7", VARIANT, NOW,
                NOW.plusSeconds(30), null);
    }

    static ContextRetrieved contextRetrieved() {
        return ContextRetrieved.of(questionAsked(), List.of(CHUNK), "c0ffee", 12, 3, NOW.plusMillis(20));
    }

    /** With an API key, re-executing a semantic-cache hit. */
    static ContextRetrieved contextRetrievedForVerification() {
        QuestionAsked asked = QuestionAsked.of("r-3", "Who won the 50th Super Bowl?", null, VARIANT, NOW,
                NOW.plusSeconds(30), "team-a");
        return ContextRetrieved.of(asked, List.of(CHUNK), "all-minilm-l6-v2@c0ffee", 12, 3, NOW.plusMillis(20),
                "which team won super bowl 50");
    }

    /** Served by the semantic cache, for a caller with an API key. */
    static AnswerCompleted semanticCacheHit() {
        return new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal("r-3"), NOW.plusMillis(25), "r-3",
                null, VARIANT, "Denver Broncos", List.of(CHUNK), "extractive", false, TokenUsage.NONE, 0.0,
                new StageLatency(25, 12, 3, 0), "all-minilm-l6-v2@c0ffee", AnswerCompleted.CacheHit.SEMANTIC, "team-a");
    }

    static AnswerCompleted answerCompleted() {
        return new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal("r-1"), NOW.plusMillis(90), "r-1",
                "u-7", VARIANT, "Denver Broncos", List.of(CHUNK), "extractive", false, new TokenUsage(120, 9, true),
                0.0, new StageLatency(90, 12, 3, 40), null, null, null);
    }

    static RequestFailed requestFailed() {
        return RequestFailed.of(new RequestRef("r-2", null, VARIANT, "team-a"), FailureStage.GENERATION,
                FailureCode.EXPIRED, false, "deadline passed before generation", new StageLatency(30_001, 10, 2, 0),
                NOW.plusSeconds(31));
    }

    static RequestProgressed requestProgressed() {
        return RequestProgressed.of("r-1", RequestStatus.RETRIEVING, NOW.plusMillis(5));
    }

    static FeedbackGiven feedbackGiven() {
        return FeedbackGiven.of("r-1", Rating.UP, "u-7", VARIANT, NOW.plusSeconds(60));
    }

    static DocumentSubmitted documentSubmitted() {
        return DocumentSubmitted.of("Super_Bowl_50-p0", "Super Bowl 50", CHUNK.text(), Map.of("source", "squad"), NOW);
    }

    static ExperimentState experimentState() {
        return ExperimentState.of("prompt-v2", List.of(
                        new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "gpt-4o-mini", 5, 1),
                        new ExperimentState.Arm("concise", "2.0.0", "gpt-4o-mini", 5, 1)),
                Variant.CONTROL, ExperimentState.Status.RUNNING, NOW.minusSeconds(3600), NOW);
    }

    static PromptVersion promptVersion() {
        return PromptVersion.of("qa-answer", "1.1.0", "Answer from the passages only.",
                "Context:\n{{context}}\n\nQuestion: {{question}}", "ana", "shorter answers", 42, NOW);
    }

    static ExperimentState experimentStateByTheController() {
        var lifecycle = new ExperimentState.Lifecycle("Concise prompt", 2_000, new ExperimentState.SuccessCriteria(0.02, 0.1, null), true,
                "BANDIT", 0.05, null, null, List.of(
                        new ExperimentState.Transition(NOW.minusSeconds(7200), null, ExperimentState.Status.DRAFT,
                                "user:ana", "created", Map.of()),
                        new ExperimentState.Transition(NOW.minusSeconds(7100), ExperimentState.Status.DRAFT,
                                ExperimentState.Status.RUNNING, "user:ana", "started", Map.of()),
                        new ExperimentState.Transition(NOW, ExperimentState.Status.RUNNING,
                                ExperimentState.Status.ROLLED_BACK, "rule:guardrail",
                                "concise: degraded rate 0.30 vs 0.00, guardrail 0.05 breached",
                                Map.of("concise.degraded_rate.treatment", 0.3, "concise.degraded_rate.p", 0.0001))));
        ExperimentState base = experimentStateWithGuardrails();
        return new ExperimentState(ExperimentState.SCHEMA_VERSION, "x-2", NOW, base.experimentId(), base.variants(),
                base.controlVariant(), ExperimentState.Status.ROLLED_BACK, base.startedAt(), base.primaryMetric(),
                base.minimumDetectableEffect(), base.guardrails(), lifecycle);
    }

    static ExperimentState experimentStateWithGuardrails() {
        return ExperimentState.of("prompt-v3", List.of(
                        new ExperimentState.Arm(Variant.CONTROL, "1.0.0", "gpt-4o-mini", 5, 2),
                        new ExperimentState.Arm("concise", "2.0.0", "gpt-4o-mini", 5, 1, 0.3),
                        new ExperimentState.Arm("top10", "1.0.0", "gpt-4o-mini", 10, 1)),
                Variant.CONTROL, ExperimentState.Status.RUNNING, NOW.minusSeconds(7200),
                ExperimentMetric.POSITIVE_FEEDBACK_RATE, 0.1,
                List.of(new ExperimentState.Guardrail(ExperimentMetric.SUCCESS_RATE, 0.02, false),
                        new ExperimentState.Guardrail(ExperimentMetric.P95_LATENCY, 0.1, true)),
                NOW);
    }

    /** A verdict as the aggregator writes it: one treatment, one metric fully defined and one without feedback. */
    static ExperimentVerdict experimentVerdict() {
        var success = new ExperimentVerdict.MetricVerdict(ExperimentMetric.SUCCESS_RATE, 5_210, 5_102, 0.8012, 0.8431,
                0.0419, 0.0523, new ExperimentVerdict.Bounds(0.0270, 0.0568), 1.9e-8, 1.1e-7, 4.2e-4, 2.5e-3,
                new ExperimentVerdict.Bounds(0.0102, 0.0731), 1.605e-3, 0L, false, null);
        var feedback = new ExperimentVerdict.MetricVerdict(ExperimentMetric.POSITIVE_FEEDBACK_RATE, 0, 0, null, null,
                null, null, null, null, null, null, null, null, null, null, false, null);
        var treatment = new ExperimentVerdict.TreatmentVerdict("concise", ExperimentVerdict.Decision.TREATMENT_BETTER,
                "success rate 0.843 vs 0.801 (+5.2%), always-valid p 0.0025 (Holm) < 0.05", List.of(success, feedback));
        return new ExperimentVerdict(ExperimentVerdict.SCHEMA_VERSION, "v-1", NOW, "prompt-v2", NOW.minusSeconds(3600),
                Variant.CONTROL, ExperimentMetric.SUCCESS_RATE, 0.05, 0.05, ExperimentVerdict.HOLM,
                Map.of(Variant.CONTROL, 5_210L, "concise", 5_102L), Map.of(Variant.CONTROL, 0.5, "concise", 0.5), 0.289,
                List.of(treatment));
    }

    static VariantStats variantStats() {
        var p = new VariantStats.Percentiles(9, 88.7, 120.3, 131.0, 149.9);
        return new VariantStats(VariantStats.SCHEMA_VERSION, "prompt-v2", "concise", false,
                Instant.parse("2026-11-23T12:00:00Z"), Instant.parse("2026-11-23T12:01:00Z"), 10, 9, 1,
                Map.of(FailureCode.EXPIRED, 1L), Map.of(FailureStage.GENERATION, 1L), 2, 1, 3,
                new VariantStats.Latencies(p, p, p, p), 1080, 81, new VariantStats.Cost(0.0123, 0.00123, 1.1e-7), 4, 1,
                0);
    }

    static List<Event> all() {
        return List.of(questionAsked(), contextRetrieved(), contextRetrievedForVerification(), answerCompleted(),
                semanticCacheHit(), requestFailed(), requestProgressed(),
                feedbackGiven(), documentSubmitted(), promptVersion(), experimentState(), experimentStateWithGuardrails(),
                experimentStateByTheController(),
                experimentVerdict());
    }
}
