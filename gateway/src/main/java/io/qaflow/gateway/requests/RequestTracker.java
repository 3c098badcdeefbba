package io.qaflow.gateway.requests;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.StageLatency;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The status life cycle of accepted requests: QUEUED, then forward-only progress, then exactly one terminal status.
 * The first terminal event wins; a later one (a redelivered or competing answer) never changes what a client saw and
 * is counted as a duplicate. Every applied change is handed to {@link StatusUpdates}.
 */
public final class RequestTracker {
    private static final Logger log = LoggerFactory.getLogger(RequestTracker.class);

    private final RequestStatusStore store;
    private final StatusUpdates updates;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Duration expiryGrace;

    public RequestTracker(RequestStatusStore store, StatusUpdates updates, GatewayMetrics metrics, Clock clock,
                          Duration expiryGrace) {
        this.store = store;
        this.updates = updates;
        this.metrics = metrics;
        this.clock = clock;
        this.expiryGrace = expiryGrace;
    }

    public Mono<Void> accepted(TrackedRequest request) {
        return store.insert(request);
    }

    /** Tracks a request the answer cache answered at once: stored ANSWERED, counted as finished. */
    public Mono<Void> answeredFromCache(TrackedRequest answered) {
        return store.insert(answered).then(Mono.fromRunnable(() -> {
            metrics.finished(answered, Duration.between(answered.acceptedAt(), clock.instant()));
            updates.publish(answered);
        }));
    }

    /** Forgets a request that was never published. */
    public Mono<Void> abandoned(String requestId) {
        return store.remove(requestId);
    }

    public Mono<TrackedRequest> find(String requestId) {
        return store.find(requestId);
    }

    /** The current state, then each change, completing after the terminal one; fails when the id is unknown. */
    public Flux<TrackedRequest> follow(String requestId) {
        return updates.follow(requestId,
                store.find(requestId).switchIfEmpty(Mono.error(() -> new UnknownRequestException(requestId))));
    }

    public Mono<Void> onProgress(RequestProgressed event) {
        RequestStatus next = event.status();
        return apply(event.requestId(), r -> r.canProgressTo(next) ? r.progressedTo(next, clock.instant()) : r);
    }

    public Mono<Void> onAnswer(AnswerCompleted event) {
        // the same answer applied by another replica first (all replicas read every answer), or the gateway's own
        // cached answer coming back from qa.answers.v1, is no duplicate
        return applyTerminal(event.requestId(), r -> r.answered(event, clock.instant()),
                before -> event.equals(before.answer()));
    }

    public Mono<Void> onFailure(RequestFailed event) {
        Failure failure = Failure.of(event);
        return applyTerminal(event.requestId(), r -> r.failed(failure, clock.instant()),
                // the gateway's own expiry event coming back from qa.failures.v1 is no duplicate
                before -> failure.equals(before.failure()));
    }

    /** Marks EXPIRED every unfinished request whose deadline plus the grace period has passed. */
    public Mono<Long> expireOverdue() {
        return expireOverdueRequests().count();
    }

    /**
     * Marks EXPIRED every unfinished request whose deadline plus the grace period has passed, emitting each request
     * this call expired (not those a terminal event finished meanwhile), so the expiry can be published.
     */
    public Flux<TrackedRequest> expireOverdueRequests() {
        Instant now = clock.instant();
        return store.unfinishedWithDeadlineBefore(now.minus(expiryGrace))
                .concatMap(overdue -> store.update(overdue.requestId(), r -> r.isTerminal() ? r : expired(r, now))
                        .filter(RequestStatusStore.Update::changed)
                        .flatMap(update -> announce(update).thenReturn(update.after())));
    }

    /** The terminal event that tells every consumer the gateway expired {@code request}. */
    public static RequestFailed expiryEvent(TrackedRequest request) {
        Failure failure = request.failure();
        long total = Math.max(0, Duration.between(request.acceptedAt(), request.updatedAt()).toMillis());
        return RequestFailed.of(request.ref(), failure.stage(), failure.code(), failure.retryable(),
                failure.message(), new StageLatency(total, 0, 0, 0), request.updatedAt());
    }

    private static TrackedRequest expired(TrackedRequest request, Instant now) {
        String message = "no answer before the deadline " + request.deadline() + " (last status "
                + request.status() + ")";
        return request.failed(new Failure(FailureStage.GATEWAY, FailureCode.EXPIRED, message, false), now);
    }

    private Mono<Void> applyTerminal(String requestId, UnaryOperator<TrackedRequest> finish,
                                     Predicate<TrackedRequest> isEcho) {
        return store.update(requestId, r -> r.isTerminal() ? r : finish.apply(r))
                .doOnNext(update -> {
                    if (!update.changed() && !isEcho.test(update.before())) {
                        metrics.duplicateTerminal();
                        log.debug("ignored a second terminal event for {} (status stays {})", requestId,
                                update.before().status());
                    }
                })
                .flatMap(this::announce);
    }

    private Mono<Void> apply(String requestId, UnaryOperator<TrackedRequest> change) {
        return store.update(requestId, change).flatMap(this::announce);
    }

    /**
     * Hands the request's state to this replica's followers even when this call changed nothing: with a shared store,
     * another replica may have applied the same event first, and followers here still wait for it. Followers ignore
     * what they have already seen.
     */
    private Mono<Void> announce(RequestStatusStore.Update update) {
        TrackedRequest after = update.after();
        if (update.changed() && after.isTerminal()) {
            metrics.finished(after, Duration.between(after.acceptedAt(), clock.instant()));
        }
        updates.publish(after);
        return Mono.empty();
    }
}
