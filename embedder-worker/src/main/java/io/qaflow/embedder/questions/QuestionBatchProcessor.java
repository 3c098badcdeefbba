package io.qaflow.embedder.questions;

import io.micrometer.observation.Observation;
import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.embedder.cache.SemanticCache;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.embedder.index.ScoredChunk;
import io.qaflow.embedder.retrieval.CorpusIndex;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.StageLatency;
import io.qaflow.model.cache.CachedAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the questions of one poll into events, without touching Kafka, in two steps so the caller can publish the
 * progress before embedding: {@link #admit} fails expired ones with EXPIRED and gives the others a RETRIEVING
 * progress event; {@link #retrieve} embeds those together in one model call, asks the semantic cache about each and
 * searches the ones it does not answer. An embedding failure fails the whole batch with EMBEDDING_FAILED, a search
 * failure fails its question with RETRIEVAL_FAILED; nothing is dropped. Every question yields exactly one
 * ContextRetrieved, AnswerCompleted (a semantic-cache hit) or RequestFailed.
 */
public final class QuestionBatchProcessor {
    private static final Logger log = LoggerFactory.getLogger(QuestionBatchProcessor.class);

    private final EmbeddingModel model;
    private final CorpusIndex corpus;
    private final SemanticCache semantic;
    private final Clock clock;
    private final EmbedderMetrics metrics;

    /** Without a semantic cache. */
    public QuestionBatchProcessor(EmbeddingModel model, CorpusIndex corpus, Clock clock, EmbedderMetrics metrics) {
        this(model, corpus, SemanticCache.OFF, clock, metrics);
    }

    /** @param model embeds questions (the embedding cache sits in front of the model here) */
    public QuestionBatchProcessor(EmbeddingModel model, CorpusIndex corpus, SemanticCache semantic, Clock clock,
                                  EmbedderMetrics metrics) {
        this.model = Objects.requireNonNull(model, "model");
        this.corpus = Objects.requireNonNull(corpus, "corpus");
        this.semantic = Objects.requireNonNull(semantic, "semantic");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Both steps at once, for callers that publish everything together. */
    public RetrievalOutcome process(List<QuestionAsked> questions) {
        Admission admission = admit(questions);
        RetrievalOutcome retrieved = retrieve(admission.live());
        List<RequestFailed> failures = new ArrayList<>(admission.expired());
        failures.addAll(retrieved.failures());
        return new RetrievalOutcome(admission.progress(), retrieved.contexts(), failures, retrieved.answers());
    }

    /**
     * First step: splits off the expired questions (each failed with EXPIRED) and gives each live one its RETRIEVING
     * progress event, to be published before the (slow) embedding starts.
     */
    public Admission admit(List<QuestionAsked> questions) {
        List<RequestProgressed> progress = new ArrayList<>();
        List<RequestFailed> expired = new ArrayList<>();
        List<QuestionAsked> live = new ArrayList<>();
        Instant now = clock.instant();
        for (QuestionAsked question : questions) {
            if (question.isExpiredAt(now)) {
                expired.add(fail(question, FailureCode.EXPIRED, FailureStage.EMBEDDING, false,
                        "deadline " + question.deadline() + " passed before retrieval", 0, 0, now));
            } else {
                live.add(question);
                progress.add(RequestProgressed.of(question.requestId(), RequestStatus.RETRIEVING, now));
            }
        }
        return new Admission(live, progress, expired);
    }

    /**
     * Second step: embeds the live questions in one model call; then per question, a semantic-cache hit becomes its
     * AnswerCompleted, anything else is searched (a hit picked for verification names its candidate in the
     * context) and remembered as a candidate for later questions. No progress events.
     */
    public RetrievalOutcome retrieve(List<QuestionAsked> live) {
        return retrieve(live, Stages.NONE);
    }

    /** {@link #retrieve(List)}, each question's embedding and retrieval a span of its request's trace. */
    public RetrievalOutcome retrieve(List<QuestionAsked> live, Stages stages) {
        List<ContextRetrieved> contexts = new ArrayList<>();
        List<AnswerCompleted> answers = new ArrayList<>();
        List<RequestFailed> failures = new ArrayList<>();
        List<RequestProgressed> progress = List.of();
        if (live.isEmpty()) {
            return new RetrievalOutcome(progress, contexts, failures, answers);
        }

        float[][] vectors;
        long embedStart = System.nanoTime();
        // one model call embeds them all: each request's embed span is that call
        List<Observation> embedding = live.stream().map(q -> stages.start(q.requestId(), "qa.embed")).toList();
        try {
            vectors = model.embed(live.stream().map(QuestionAsked::question).toList());
            embedding.forEach(Observation::stop);
        } catch (RuntimeException e) {
            embedding.forEach(o -> o.error(e).stop());
            log.warn("embedding {} questions failed", live.size(), e);
            Instant failedAt = clock.instant();
            long embedMs = millisSince(embedStart);
            for (QuestionAsked question : live) {
                failures.add(fail(question, FailureCode.EMBEDDING_FAILED, FailureStage.EMBEDDING, true,
                        "embedding failed: " + e.getMessage(), embedMs, 0, failedAt));
            }
            return new RetrievalOutcome(progress, contexts, failures, answers);
        }
        Duration embedTime = Duration.ofNanos(System.nanoTime() - embedStart);
        long embedMs = embedTime.toMillis();

        for (int i = 0; i < live.size(); i++) {
            QuestionAsked question = live.get(i);
            metrics.latency("embed", embedTime);
            long lookupStart = System.nanoTime();
            SemanticCache.Decision decision = lookup(question, vectors[i]);
            Duration lookupTime = Duration.ofNanos(System.nanoTime() - lookupStart);
            metrics.latency("semantic", lookupTime);
            if (decision instanceof SemanticCache.Decision.Serve serve) {
                AnswerCompleted answer = semanticAnswer(question, serve, embedMs, lookupTime.toMillis());
                if (answer != null) {
                    answers.add(answer);
                    continue;
                }
            }
            String verifying = decision instanceof SemanticCache.Decision.Verify verify ? verify.candidate() : null;
            long retrieveStart = System.nanoTime();
            Observation retrieving = stages.start(question.requestId(), "qa.retrieve");
            try {
                CorpusIndex.Hits hits = corpus.retrieve(question.question(), vectors[i], question.variant().topK());
                retrieving.stop();
                Duration retrieveTime = Duration.ofNanos(System.nanoTime() - retrieveStart);
                metrics.latency("retrieve", retrieveTime);
                List<SourceChunk> sources = hits.chunks().stream().map(ScoredChunk::toSource).toList();
                contexts.add(ContextRetrieved.of(question, sources, hits.corpusVersion(), embedMs,
                        retrieveTime.toMillis(), clock.instant(), verifying));
                remember(question, vectors[i], hits.corpusVersion());
            } catch (RuntimeException e) {
                retrieving.error(e).stop();
                log.warn("retrieval failed for request {}", question.requestId(), e);
                failures.add(fail(question, FailureCode.RETRIEVAL_FAILED, FailureStage.RETRIEVAL,
                        !(e instanceof IllegalArgumentException), "retrieval failed: " + e.getMessage(), embedMs,
                        millisSince(retrieveStart), clock.instant()));
            }
        }
        return new RetrievalOutcome(progress, contexts, failures, answers);
    }

    /** The semantic cache's decision; a broken cache is a miss, never a failed question. */
    private SemanticCache.Decision lookup(QuestionAsked question, float[] vector) {
        try {
            return semantic.lookup(question, vector, corpus.corpusVersion());
        } catch (RuntimeException e) {
            log.warn("semantic cache lookup failed for request {}; retrieving", question.requestId(), e);
            return SemanticCache.Decision.MISS;
        }
    }

    private void remember(QuestionAsked question, float[] vector, String corpusVersion) {
        try {
            semantic.remember(question, vector, corpusVersion);
        } catch (RuntimeException e) {
            log.warn("remembering request {} in the semantic cache failed", question.requestId(), e);
        }
    }

    /**
     * The terminal answer of a question served from the cached answer of a similar one; it cost nothing now. Null
     * when the cached answer cannot make a valid event (then the question is retrieved as usual).
     */
    private AnswerCompleted semanticAnswer(QuestionAsked question, SemanticCache.Decision.Serve serve, long embedMs,
                                           long lookupMs) {
        CachedAnswer cached = serve.answer();
        Instant now = clock.instant();
        long total = Math.max(0, Duration.between(question.acceptedAt(), now).toMillis());
        try {
            return AnswerCompleted.fromCache(RequestRef.of(question), cached, AnswerCompleted.CacheHit.SEMANTIC,
                    new StageLatency(total, embedMs, lookupMs, 0), serve.corpusVersion(), now);
        } catch (IllegalArgumentException e) {
            log.warn("the cached answer of '{}' is not a valid answer ({}); retrieving request {}",
                    serve.candidate(), e.getMessage(), question.requestId());
            return null;
        }
    }

    /** The terminal failure of a question whose outputs the broker never acknowledged, so it was dead-lettered. */
    public RequestFailed unpublished(QuestionAsked question, String reason) {
        return fail(question, FailureCode.INTERNAL, FailureStage.EMBEDDING, true, reason, 0, 0, clock.instant());
    }

    /** The live questions of a batch with their RETRIEVING events, and the expired ones' failures. */
    public record Admission(List<QuestionAsked> live, List<RequestProgressed> progress, List<RequestFailed> expired) {
        public Admission {
            live = List.copyOf(live);
            progress = List.copyOf(progress);
            expired = List.copyOf(expired);
        }
    }

    private RequestFailed fail(QuestionAsked question, FailureCode code, FailureStage stage, boolean retryable,
                               String message, long embedMs, long retrieveMs, Instant now) {
        metrics.error(stage.name().toLowerCase(java.util.Locale.ROOT), code.name());
        long total = Math.max(0, Duration.between(question.acceptedAt(), now).toMillis());
        return RequestFailed.of(RequestRef.of(question), stage, code, retryable, message,
                new StageLatency(total, embedMs, retrieveMs, 0), now);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
