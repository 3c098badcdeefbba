package io.qaflow.answer.worker;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.qaflow.answer.cache.AnswerCaching;
import io.qaflow.answer.cost.PriceTable;
import io.qaflow.answer.generation.AnswerGenerator;
import io.qaflow.answer.generation.GeneratedAnswer;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.ModelChoice;
import io.qaflow.answer.prompt.PromptCatalog;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.Event;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestRef;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.StageLatency;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import io.qaflow.model.prompt.PromptRenderer;
import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.QaPrompt;
import io.qaflow.model.prompt.RenderedPrompt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one retrieved context into the request's terminal event: {@link AnswerCompleted} (possibly degraded, or
 * from the answer cache), or {@link RequestFailed} with {@code EXPIRED} when the deadline passed before work began,
 * or {@code INTERNAL} when answering broke. Publishes {@code GENERATING} progress first and returns once the terminal
 * event is acknowledged. Before asking a model it looks the answer up in the answer cache (except for a re-executed
 * semantic-cache hit, which must be answered afresh); once a fresh answer is acknowledged, it hands it to the cache
 * (stored unless degraded, compared with the semantic candidate's answer when there is one).
 */
public final class AnswerHandler {
    private static final Logger log = LoggerFactory.getLogger(AnswerHandler.class);

    private final AnswerGenerator generator;
    private final ModelChoice models;
    private final AnswerCaching cache;
    private final PromptCatalog prompts;
    private final PromptRenderer renderer;
    private final PriceTable prices;
    private final EventPublisher publisher;
    private final AnswerMetrics metrics;
    private final Duration callTimeout;
    private final Duration promptLoadWait;
    private final Duration unknownVersionWait;
    private final Clock clock;
    private final ObservationRegistry observations;

    public AnswerHandler(AnswerGenerator generator, ModelChoice models, AnswerCaching cache, PromptCatalog prompts,
                         PromptRenderer renderer, PriceTable prices, EventPublisher publisher, AnswerMetrics metrics,
                         Duration callTimeout, Duration promptLoadWait,
                         Duration unknownVersionWait, Clock clock, ObservationRegistry observations) {
        this.generator = generator;
        this.models = models;
        this.cache = cache;
        this.prompts = prompts;
        this.renderer = renderer;
        this.prices = prices;
        this.publisher = publisher;
        this.metrics = metrics;
        this.callTimeout = callTimeout;
        this.promptLoadWait = promptLoadWait;
        this.unknownVersionWait = unknownVersionWait;
        this.clock = clock;
        this.observations = observations;
    }

    /**
     * Answers and publishes; returns when the terminal event is acknowledged by the broker. An answer the broker
     * does not accept is replaced by a RequestFailed(INTERNAL) with the same terminal event id; when that cannot
     * be delivered either, UndeliverableException says so.
     */
    public Event handle(ContextRetrieved context) throws InterruptedException, UndeliverableException {
        Outcome outcome = answer(context);
        Event terminal = outcome.terminal();
        if (terminal instanceof AnswerCompleted completed) {
            try {
                deliver("answer " + completed.requestId(), Topics.ANSWERS, completed.requestId(), completed);
                log.info("answered by {} in {} ms{}{}", completed.model(), completed.latencyMs().total(),
                        completed.degraded() ? ", degraded" : "", completed.cached() ? ", from the cache" : "");
                metrics.answered(completed.cached() ? "cached" : completed.degraded() ? "degraded" : "answered");
                if (!completed.cached()) {
                    metrics.usage(completed.model(), completed.usage(), completed.costUsd());
                }
                if (!completed.cached() && outcome.promptKnown()) {
                    // an answer made with the fallback prompt is not an answer of the version its key would name
                    handToCache(context, completed);
                }
                return completed;
            } catch (UndeliverableException e) {
                log.error("the answer to request {} cannot be published; publishing a failure instead",
                        completed.requestId(), e);
                Instant now = clock.instant();
                terminal = RequestFailed.of(RequestRef.of(completed), FailureStage.GENERATION, FailureCode.INTERNAL,
                        true, "the answer could not be published: " + e.getCause(), completed.latencyMs(), now);
            }
        }
        if (terminal instanceof RequestFailed failed) {
            deliver("failure " + failed.requestId(), Topics.FAILURES, failed.requestId(), failed);
            metrics.answered(failed.errorCode() == FailureCode.EXPIRED ? "expired" : "failed");
        }
        return terminal;
    }

    /** Returns once the broker acknowledged {@code event} (the publisher retries what fails retriably). */
    private <E extends Event> void deliver(String what, Topic<String, E> topic, String requestId, E event)
            throws InterruptedException, UndeliverableException {
        try {
            publisher.publish(topic, requestId, event).get();
        } catch (ExecutionException e) {
            metrics.error("publish_failed");
            throw new UndeliverableException(what, e.getCause());
        }
    }

    /** The terminal event, and whether it was made with the prompt version the request names. */
    private record Outcome(Event terminal, boolean promptKnown) {}

    /** The terminal event for {@code context}; publishes the GENERATING progress event on the way (not awaited). */
    private Outcome answer(ContextRetrieved context) throws InterruptedException {
        Instant start = clock.instant();
        if (context.isExpiredAt(start)) {
            return new Outcome(RequestFailed.of(RequestRef.of(context), FailureStage.GENERATION, FailureCode.EXPIRED,
                    false, "the deadline " + context.deadline() + " passed before generation",
                    latency(context, start, 0), start), false);
        }
        publisher.publish(Topics.PROGRESS, context.requestId(),
                RequestProgressed.of(context.requestId(), RequestStatus.GENERATING, start));
        boolean promptKnown = false;
        try {
            if (context.semanticCandidate() == null) {
                Optional<CachedAnswer> hit = cache.find(context, models.answering(context.variant().model()));
                if (hit.isPresent()) {
                    return new Outcome(fromCache(context, hit.get(), start), true);
                }
            }
            Optional<PromptTemplate> named = prompt(context);
            promptKnown = named.isPresent();
            AnswerRequest request = request(context, named);
            GeneratedAnswer generated = Observation.createNotStarted("qa.generate", observations)
                    .lowCardinalityKeyValue("model", context.variant().model())
                    .observeChecked(() -> generator.generate(request, context.deadline()));
            Instant end = clock.instant();
            long generateMs = Duration.between(start, end).toMillis();
            metrics.generated(Duration.between(start, end));
            var answer = generated.answer();
            return new Outcome(AnswerCompleted.generated(RequestRef.of(context), answer.text(), context.chunks(),
                    answer.model(), generated.degraded(), answer.usage(), prices.costUsd(answer.model(),
                    answer.usage()), latency(context, end, generateMs), context.corpusVersion(), end), promptKnown);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the worker is stopping");
            }
            Instant end = clock.instant();
            metrics.error("internal");
            log.error("cannot answer request {}", context.requestId(), e);
            return new Outcome(RequestFailed.of(RequestRef.of(context), FailureStage.GENERATION, FailureCode.INTERNAL,
                    true, "the answer worker failed: " + e.getMessage(),
                    latency(context, end, Duration.between(start, end).toMillis()), end),
                    promptKnown);
        }
    }

    /** A cached answer costs nothing now; its usage says what producing it took. */
    private AnswerCompleted fromCache(ContextRetrieved context, CachedAnswer cached, Instant start) {
        Instant end = clock.instant();
        return AnswerCompleted.fromCache(RequestRef.of(context), cached, AnswerCompleted.CacheHit.EXACT,
                latency(context, end, Duration.between(start, end).toMillis()), context.corpusVersion(), end);
    }

    /** The answer is published whatever happens here: a cache problem must not turn it into a dead letter. */
    private void handToCache(ContextRetrieved context, AnswerCompleted published) {
        try {
            cache.answered(context, published, models.answering(context.variant().model()));
        } catch (RuntimeException e) {
            log.debug("handing the answer to request {} to the cache failed", published.requestId(), e);
        }
    }

    /**
     * The template the request names. A version not known yet may be on its way: while the prompt registry is still
     * being read at start, the request waits for that read (at most {@code promptLoadWait}); after it, for the version
     * itself (at most {@code unknownVersionWait}: a default the gateway just read can be on another partition of the
     * registry than its version). Never past half the request's remaining time; then it gets the fallback.
     */
    private Optional<PromptTemplate> prompt(ContextRetrieved context) throws InterruptedException {
        String name = context.variant().promptName();
        String version = context.variant().promptVersion();
        Optional<PromptTemplate> found = prompts.find(name, version);
        if (found.isPresent()) {
            return found;
        }
        Instant giveUp = clock.instant().plus(Duration.between(clock.instant(), context.deadline()).dividedBy(2));
        if (!prompts.isLoaded()) {
            prompts.awaitLoaded(shorter(promptLoadWait, Duration.between(clock.instant(), giveUp)));
            found = prompts.find(name, version);
        }
        if (found.isEmpty()) {
            found = prompts.await(name, version, shorter(unknownVersionWait,
                    Duration.between(clock.instant(), giveUp)));
        }
        return found;
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private AnswerRequest request(ContextRetrieved context, Optional<PromptTemplate> named) {
        PromptTemplate template = named
                .orElseGet(() -> {
                    metrics.error("unknown_prompt");
                    log.warn("request {} asks for prompt {}@{}, which this worker does not know; using {}",
                            context.requestId(), context.variant().promptName(), context.variant().promptVersion(),
                            prompts.fallback().id());
                    return prompts.fallback();
                });
        RenderedPrompt prompt = renderer.render(template, QaPrompt.variables(context.question(), context.chunks()));
        return new AnswerRequest(context.question(), context.chunks(), prompt, context.variant().model(),
                callTimeout, context.variant().temperature());
    }

    private static StageLatency latency(ContextRetrieved context, Instant now, long generateMs) {
        long total = Math.max(0, Duration.between(context.acceptedAt(), now).toMillis());
        return new StageLatency(total, Math.max(0, context.embedMs()), Math.max(0, context.retrieveMs()),
                Math.max(0, generateMs));
    }
}
