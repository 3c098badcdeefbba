package io.qaflow.gateway.requests;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.RequestStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
        return applyTerminal(event.requestId(), r -> r.answered(event, clock.instant()));
    }

    public Mono<Void> onFailure(RequestFailed event) {
        return applyTerminal(event.requestId(), r -> r.failed(Failure.of(event), clock.instant()));
    }

    /** Marks EXPIRED every unfinished request whose deadline plus the grace period has passed. */
    public Mono<Long> expireOverdue() {
        Instant now = clock.instant();
        return store.unfinishedWithDeadlineBefore(now.minus(expiryGrace))
                .concatMap(overdue -> apply(overdue.requestId(), r -> r.isTerminal() ? r : expired(r, now))
                        .thenReturn(overdue))
                .count();
    }

    private static TrackedRequest expired(TrackedRequest request, Instant now) {
        FailureStage stage = switch (request.status()) {
            case QUEUED -> FailureStage.EMBEDDING;
            case RETRIEVING -> FailureStage.RETRIEVAL;
            default -> FailureStage.GENERATION;
        };
        String message = "no answer before the deadline " + request.deadline() + " (last status "
                + request.status() + ")";
        return request.failed(new Failure(stage, FailureCode.EXPIRED, message, true), now);
    }

    private Mono<Void> applyTerminal(String requestId, UnaryOperator<TrackedRequest> finish) {
        return store.update(requestId, r -> r.isTerminal() ? r : finish.apply(r))
                .doOnNext(update -> {
                    if (!update.changed()) {
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

    private Mono<Void> announce(RequestStatusStore.Update update) {
        if (update.changed()) {
            TrackedRequest after = update.after();
            if (after.isTerminal()) {
                metrics.finished(after, Duration.between(after.acceptedAt(), clock.instant()));
            }
            updates.publish(after);
        }
        return Mono.empty();
    }
}
