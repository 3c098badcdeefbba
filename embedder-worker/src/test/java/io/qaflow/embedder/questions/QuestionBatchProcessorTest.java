package io.qaflow.embedder.questions;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.FakeEmbeddingModel;
import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.ingest.IndexStatus;
import io.qaflow.embedder.retrieval.Bm25Index;
import io.qaflow.embedder.retrieval.CorpusIndex;
import io.qaflow.embedder.retrieval.DenseRetriever;
import io.qaflow.embedder.retrieval.Retriever;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.EventIds;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuestionBatchProcessorTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryVectorIndex index = new InMemoryVectorIndex(26);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbedderMetrics metrics = new EmbedderMetrics(registry, new IndexStatus(
            new CorpusIndex(index, new Bm25Index(), new DenseRetriever(index, 2), "fake-letters")));

    QuestionBatchProcessorTest() {
        FakeEmbeddingModel indexing = new FakeEmbeddingModel(null);
        for (String[] doc : new String[][] {{"broncos", "Denver Broncos won"}, {"panthers", "Carolina Panthers lost"},
                {"stadium", "Levi's Stadium in Santa Clara"}}) {
            index.upsert(doc[0], "e-" + doc[0], List.of(new EmbeddedChunk(Chunk.of(doc[0], 0, "SB", doc[1]),
                    indexing.embed(List.of(doc[1]))[0])));
        }
    }

    private QuestionBatchProcessor processor(FakeEmbeddingModel model, Retriever retriever) {
        return new QuestionBatchProcessor(model, new CorpusIndex(index, new Bm25Index(), retriever, model.modelId()),
                clock, metrics);
    }

    @Test
    void embedsTheBatchOnceAndRetrievesTopKPerQuestion() {
        FakeEmbeddingModel model = new FakeEmbeddingModel(null);
        QuestionAsked q1 = question("r1", "Who won? Denver Broncos?", 2, Duration.ofMinutes(1));
        QuestionAsked q2 = question("r2", "Which stadium in Santa Clara?", 1, Duration.ofMinutes(1));

        RetrievalOutcome outcome = processor(model, new DenseRetriever(index, 2)).process(List.of(q1, q2));

        assertThat(model.calls()).isEqualTo(1);
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.progress()).extracting(p -> p.requestId() + ":" + p.status())
                .containsExactly("r1:RETRIEVING", "r2:RETRIEVING");
        assertThat(outcome.contexts()).extracting(ContextRetrieved::requestId).containsExactly("r1", "r2");
        ContextRetrieved first = outcome.contexts().getFirst();
        assertThat(first.chunks()).hasSize(2);
        assertThat(first.chunks().getFirst().documentId()).isEqualTo("broncos");
        assertThat(first.corpusVersion()).isEqualTo("fake-letters@" + index.corpusVersion());
        assertThat(first.variant()).isEqualTo(q1.variant());
        assertThat(outcome.contexts().get(1).chunks()).singleElement()
                .satisfies(c -> assertThat(c.documentId()).isEqualTo("stadium"));
        assertThat(registry.get("qa.latency").tag("stage", "embed").timer().count()).isEqualTo(2);
        assertThat(registry.get("qa.latency").tag("stage", "retrieve").timer().count()).isEqualTo(2);
    }

    @Test
    void expiredQuestionsFailWithExpiredAndAreNotEmbedded() {
        FakeEmbeddingModel model = new FakeEmbeddingModel(null);
        QuestionAsked expired = question("late", "Who won?", 5, Duration.ZERO);

        RetrievalOutcome outcome = processor(model, new DenseRetriever(index, 2)).process(List.of(expired));

        assertThat(model.calls()).isZero();
        assertThat(outcome.progress()).isEmpty();
        assertThat(outcome.contexts()).isEmpty();
        RequestFailed failed = outcome.failures().getFirst();
        assertThat(failed.errorCode()).isEqualTo(FailureCode.EXPIRED);
        assertThat(failed.stage()).isEqualTo(FailureStage.EMBEDDING);
        assertThat(failed.eventId()).isEqualTo(EventIds.terminal("late"));
        assertThat(failed.terminalStatus()).isEqualTo(RequestStatus.EXPIRED);
        assertThat(failed.latencyMs().total()).isEqualTo(Duration.ofSeconds(30).toMillis());
        assertThat(registry.get("qa.errors").tag("code", "EXPIRED").counter().count()).isEqualTo(1);
    }

    @Test
    void anEmbeddingFailureFailsEveryQuestionOfTheBatchAsRetryable() {
        QuestionAsked q1 = question("r1", "fine", 5, Duration.ofMinutes(1));
        QuestionAsked q2 = question("r2", "BOOM", 5, Duration.ofMinutes(1));

        RetrievalOutcome outcome = processor(new FakeEmbeddingModel("BOOM"), new DenseRetriever(index, 2))
                .process(List.of(q1, q2));

        assertThat(outcome.contexts()).isEmpty();
        assertThat(outcome.failures()).extracting(RequestFailed::requestId).containsExactly("r1", "r2");
        assertThat(outcome.failures()).allSatisfy(f -> {
            assertThat(f.errorCode()).isEqualTo(FailureCode.EMBEDDING_FAILED);
            assertThat(f.retryable()).isTrue();
            assertThat(f.eventId()).isEqualTo(EventIds.terminal(f.requestId()));
        });
    }

    @Test
    void aRetrievalFailureFailsOnlyItsQuestion() {
        Retriever failingForR2 = (question, vector, k) -> {
            if (question.contains("explode")) {
                throw new IllegalStateException("vector store unavailable");
            }
            return new DenseRetriever(index, 2).retrieve(question, vector, k);
        };
        RetrievalOutcome outcome = processor(new FakeEmbeddingModel(null), failingForR2).process(List.of(
                question("r1", "Denver", 1, Duration.ofMinutes(1)),
                question("r2", "explode", 1, Duration.ofMinutes(1))));

        assertThat(outcome.contexts()).extracting(ContextRetrieved::requestId).containsExactly("r1");
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.requestId()).isEqualTo("r2");
            assertThat(f.errorCode()).isEqualTo(FailureCode.RETRIEVAL_FAILED);
            assertThat(f.stage()).isEqualTo(FailureStage.RETRIEVAL);
            assertThat(f.retryable()).isTrue();
            assertThat(f.message()).contains("vector store unavailable");
        });
    }

    @Test
    void admittingGivesTheLiveQuestionsTheirRetrievingEventWithoutEmbeddingThem() {
        FakeEmbeddingModel model = new FakeEmbeddingModel(null);
        QuestionAsked live = question("r1", "Who won?", 2, Duration.ofMinutes(1));
        QuestionAsked expired = question("late", "Who won?", 2, Duration.ZERO);

        QuestionBatchProcessor.Admission admission = processor(model, new DenseRetriever(index, 2))
                .admit(List.of(live, expired));

        assertThat(model.calls()).isZero();
        assertThat(admission.live()).containsExactly(live);
        assertThat(admission.progress()).extracting(p -> p.requestId() + ":" + p.status())
                .containsExactly("r1:RETRIEVING");
        assertThat(admission.expired()).singleElement()
                .satisfies(f -> assertThat(f.errorCode()).isEqualTo(FailureCode.EXPIRED));
        RetrievalOutcome outcome = processor(model, new DenseRetriever(index, 2)).retrieve(admission.live());
        assertThat(model.calls()).isEqualTo(1);
        assertThat(outcome.progress()).isEmpty();
        assertThat(outcome.contexts()).extracting(ContextRetrieved::requestId).containsExactly("r1");
    }

    @Test
    void anUnpublishedQuestionFailsTerminallyAsARetryableInternalEmbeddingFailure() {
        RequestFailed failed = processor(new FakeEmbeddingModel(null), new DenseRetriever(index, 2))
                .unpublished(question("r9", "Who won?", 2, Duration.ofMinutes(1)), "not acknowledged");

        assertThat(failed.eventId()).isEqualTo(EventIds.terminal("r9"));
        assertThat(failed.stage()).isEqualTo(FailureStage.EMBEDDING);
        assertThat(failed.errorCode()).isEqualTo(FailureCode.INTERNAL);
        assertThat(failed.retryable()).isTrue();
    }

    @Test
    void aSemanticHitBecomesTheTerminalAnswerAndEveryOtherQuestionItsContext() {
        FakeEmbeddingModel model = new FakeEmbeddingModel(null);
        ScriptedSemanticCache semantic = new ScriptedSemanticCache().serve("r2").verify("r3").breakOn("r4");
        var processor = new QuestionBatchProcessor(model, new CorpusIndex(index, new Bm25Index(),
                new DenseRetriever(index, 2), model.modelId()), semantic, clock, metrics);
        QuestionAsked served = QuestionAsked.of("r2", "Who won Super Bowl 50", "u", Variant.defaults(2),
                NOW.minusSeconds(30), NOW.plusSeconds(60), "key-1");

        RetrievalOutcome outcome = processor.process(List.of(question("r1", "Denver", 2, Duration.ofMinutes(1)),
                served, question("r3", "Who won", 2, Duration.ofMinutes(1)),
                question("r4", "Carolina", 2, Duration.ofMinutes(1))));

        String version = "fake-letters@" + index.corpusVersion();
        assertThat(model.calls()).isEqualTo(1);
        assertThat(semantic.lookedUpUnder).containsExactly("r1@" + version, "r2@" + version, "r3@" + version,
                "r4@" + version);
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.contexts()).extracting(ContextRetrieved::requestId).containsExactly("r1", "r3", "r4");
        assertThat(outcome.contexts()).extracting(ContextRetrieved::semanticCandidate)
                .containsExactly(null, "who won super bowl 50", null);
        assertThat(semantic.remembered).containsExactly("r1@" + version, "r3@" + version, "r4@" + version);

        AnswerCompleted answer = outcome.answers().getFirst();
        assertThat(outcome.answers()).hasSize(1);
        assertThat(answer.requestId()).isEqualTo("r2");
        assertThat(answer.eventId()).isEqualTo(EventIds.terminal("r2"));
        assertThat(answer.cached()).isTrue();
        assertThat(answer.cacheHit()).isEqualTo(AnswerCompleted.CacheHit.SEMANTIC);
        assertThat(answer.answer()).isEqualTo(ScriptedSemanticCache.ANSWER.answer());
        assertThat(answer.sources()).isEqualTo(ScriptedSemanticCache.ANSWER.sources());
        assertThat(answer.model()).isEqualTo("gpt-test");
        assertThat(answer.usage()).isEqualTo(TokenUsage.NONE);
        assertThat(answer.costUsd()).isZero();
        assertThat(answer.corpusVersion()).isEqualTo("v-cached");
        assertThat(answer.apiKeyId()).isEqualTo("key-1");
        assertThat(answer.variant()).isEqualTo(served.variant());
        assertThat(answer.latencyMs().total()).isEqualTo(30_000);
        assertThat(answer.latencyMs().generate()).isZero();
        assertThat(registry.get("qa.latency").tag("stage", "semantic").timer().count()).isEqualTo(4);
    }

    private static QuestionAsked question(String id, String text, int topK, Duration timeLeft) {
        Instant accepted = NOW.minusSeconds(30);
        return QuestionAsked.of(id, text, "u", Variant.defaults(topK), accepted, NOW.plus(timeLeft), null);
    }
}
