package io.qaflow.gateway.api;

import io.qaflow.gateway.GatewayProperties;
import io.qaflow.gateway.cache.GatewayAnswerCache;
import io.qaflow.gateway.kafka.ResultsAssignment;
import io.qaflow.gateway.requests.IdempotencyStore.Claim;
import io.qaflow.gateway.requests.IdempotencyStore;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.gateway.requests.VariantResolver;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.kafka.PublishFailedException;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.StageLatency;
import io.qaflow.model.Variant;
import io.qaflow.model.cache.CachedAnswer;
import io.qaflow.model.kafka.Topics;
import io.qaflow.redis.AnswerCache;
import io.qaflow.web.FieldError;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

/**
 * Accepts a question: resolves its variant and deadline, honours its Idempotency-Key, starts tracking it and
 * publishes {@link QuestionAsked}. A request counts as accepted only once the broker acknowledged the event. A question
 * whose answer is cached is answered at once, without Kafka: it is tracked as ANSWERED and its
 * {@link AnswerCompleted} ({@code cached: true}) is published afterwards, so the aggregator sees the hit.
 */
public final class QuestionIntake {
    private static final Logger log = LoggerFactory.getLogger(QuestionIntake.class);
    /** With the default 500 ms back-off doubling, about a minute of a broker being away. */
    private static final int SERVED_PUBLISH_ATTEMPTS = 8;

    private final RequestTracker tracker;
    private final IdempotencyStore idempotency;
    private final VariantResolver variants;
    private final EventPublisher publisher;
    private final EventPublisher servedPublisher;
    private final GatewayAnswerCache answers;
    private final ResultsAssignment results;
    private final GatewayProperties properties;
    private final Clock clock;

    public QuestionIntake(RequestTracker tracker, IdempotencyStore idempotency, VariantResolver variants,
                          EventPublisher publisher, GatewayAnswerCache answers, ResultsAssignment results,
                          GatewayProperties properties, Clock clock) {
        this.tracker = tracker;
        this.idempotency = idempotency;
        this.variants = variants;
        this.publisher = publisher;
        this.servedPublisher = publisher.withAttempts(SERVED_PUBLISH_ATTEMPTS);
        this.answers = answers;
        this.results = results;
        this.properties = properties;
        this.clock = clock;
    }

    /** The accepted request; {@code replayed} when an Idempotency-Key named an existing one. */
    public record Accepted(TrackedRequest request, boolean replayed) {}

    /**
     * @param idempotencyKey the caller's key, or null
     * @param apiKeyId the id of the caller's API key, or null
     */
    public Mono<Accepted> accept(AskRequest ask, String idempotencyKey, String apiKeyId) {
        return accept(ask, idempotencyKey, apiKeyId, true);
    }

    /** Through the pipeline, whatever the cache holds: how cache warming asks. */
    public Mono<Accepted> acceptUncached(AskRequest ask) {
        return accept(ask, null, null, false);
    }

    private Mono<Accepted> accept(AskRequest ask, String idempotencyKey, String apiKeyId, boolean useCache) {
        if (!results.isReady()) {
            return Mono.error(ProblemException.unavailable("service-unavailable",
                    "the gateway does not read answers from Kafka yet (starting, or Kafka unreachable)",
                    properties.retryAfter()));
        }
        Instant now = clock.instant();
        String requestId = UUID.randomUUID().toString();
        Variant variant = variants.resolve(requestId, ask.userId(), ask.topK());
        TrackedRequest request = TrackedRequest.queued(requestId, ask.question(), ask.userId(), variant, now,
                now.plus(timeToLive(ask)), apiKeyId);
        if (idempotencyKey == null) {
            return startNew(request, null, useCache);
        }
        // keys are the caller's: two API keys may well pick the same Idempotency-Key
        String scopedKey = apiKeyId == null ? idempotencyKey : apiKeyId + ':' + idempotencyKey;
        return idempotency.claim(scopedKey, ask.fingerprint(), requestId, now)
                .flatMap(claim -> switch (claim) {
                    case Claim.Claimed() -> startNew(request, scopedKey, useCache);
                    case Claim.SameRequest(String existingId) -> tracker.find(existingId)
                            .map(existing -> new Accepted(existing, true))
                            .switchIfEmpty(Mono.error(() -> keyInUse(existingId)));
                    case Claim.Conflict(String existingId) -> Mono.error(keyReused(existingId));
                });
    }

    /** How long the request has to finish: the request TTL, or the caller's wait when that is longer. */
    private Duration timeToLive(AskRequest ask) {
        Duration wait = ask.timeoutMs() != null ? Duration.ofMillis(ask.timeoutMs()) : properties.defaultTimeout();
        return wait.compareTo(properties.requestTtl()) > 0 ? wait : properties.requestTtl();
    }

    private Mono<Accepted> startNew(TrackedRequest request, String idempotencyKey, boolean useCache) {
        Mono<Accepted> throughPipeline = Mono.defer(() -> publishNew(request, idempotencyKey));
        if (!useCache) {
            return throughPipeline;
        }
        answers.recordAsked(request.question());
        return answers.lookup(request.question(), request.variant())
                .flatMap(hit -> answerFromCache(request, hit))
                .switchIfEmpty(throughPipeline);
    }

    private Mono<Accepted> answerFromCache(TrackedRequest request, AnswerCache.Hit hit) {
        Instant now = clock.instant();
        String id = request.requestId();
        CachedAnswer cached = hit.answer();
        long totalMs = Duration.between(request.acceptedAt(), now).toMillis();
        AnswerCompleted event = AnswerCompleted.fromCache(request.ref(), cached, AnswerCompleted.CacheHit.EXACT,
                new StageLatency(totalMs, 0, 0, 0), cached.corpusVersion(), now);
        TrackedRequest answered = request.answered(event, now);
        return tracker.answeredFromCache(answered)
                .doOnSuccess(ignored -> publishServed(event))
                .thenReturn(new Accepted(answered, false));
    }

    /**
     * The client has its answer already; the event still goes to Kafka (the request's terminal event, and the hit the
     * aggregator counts), retried in the background for about a minute of a broker being away.
     */
    private void publishServed(AnswerCompleted event) {
        servedPublisher.publish(Topics.ANSWERS, event.requestId(), event)
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        log.error("the cached answer of {} was served but never published: the aggregator misses "
                                + "it and Kafka has no terminal event for it: {}", event.requestId(), e.toString());
                    }
                });
    }

    private Mono<Accepted> publishNew(TrackedRequest request, String idempotencyKey) {
        String id = request.requestId();
        QuestionAsked event = QuestionAsked.of(id, request.question(), request.userId(), request.variant(),
                request.acceptedAt(), request.deadline(), request.apiKeyId());
        // tracked before it is published: a fast worker's answer must find the request
        return tracker.accepted(request)
                .then(Mono.fromFuture(() -> publisher.publish(Topics.REQUESTS, id, event), true))
                .thenReturn(new Accepted(request, false))
                .onErrorResume(PublishFailedException.class, e -> e.mayHaveBeenPublished()
                        ? Mono.error(unconfirmed(id, e))
                        : tracker.abandoned(id)
                                .then(idempotencyKey == null ? Mono.empty() : idempotency.release(idempotencyKey, id))
                                .then(Mono.error(e)));
    }

    /**
     * The event may still reach the broker (a timeout, a lost acknowledgement): the request stays tracked and keeps
     * its Idempotency-Key, so a retry with the key finds this request rather than starting a second one, and the
     * request ends ANSWERED/FAILED, or EXPIRED at its deadline (published by the expiry sweeper) if it never landed.
     */
    private ProblemException unconfirmed(String requestId, PublishFailedException cause) {
        log.warn("request {} may or may not have been published; kept for its deadline: {}", requestId,
                cause.getMessage());
        String statusUrl = RequestView.statusUrl(requestId);
        HttpHeaders headers = ProblemException.retryAfter(properties.retryAfter());
        headers.setLocation(URI.create(statusUrl));
        return new ProblemException(Problem.of(503, "publish-unconfirmed", "Acceptance unconfirmed",
                "Kafka did not confirm the request in time; it may still be processed. Follow statusUrl, or retry "
                        + "with the same Idempotency-Key to get this request rather than a new one", null)
                .with("requestId", requestId).with("retryable", true).with("statusUrl", statusUrl), headers);
    }

    private ProblemException keyReused(String existingId) {
        return new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency-Key reused",
                "this Idempotency-Key was used for a request with another body",
                List.of(new FieldError("Idempotency-Key", "was used with a different request body")))
                .with("requestId", existingId));
    }

    private ProblemException keyInUse(String existingId) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        return new ProblemException(Problem.of(409, "idempotency-key-in-progress", "Request in progress",
                "the request with this Idempotency-Key is still being accepted; retry shortly",
                List.of(new FieldError("Idempotency-Key", "belongs to a request still being accepted")))
                .with("requestId", existingId), headers);
    }
}
