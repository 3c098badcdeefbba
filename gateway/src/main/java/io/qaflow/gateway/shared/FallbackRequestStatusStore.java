package io.qaflow.gateway.shared;

import io.qaflow.gateway.requests.InMemoryRequestStatusStore;
import io.qaflow.gateway.requests.RequestStatusStore;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Statuses in Redis (shared by the replicas, the authority while it answers) with this replica's own requests also
 * kept in memory. When Redis fails in any way, the memory copy serves, so the requests this replica accepted keep
 * being tracked, answered and expired; requests of other replicas are then unknown here. When Redis returns, what
 * changed in memory meanwhile is written back ({@link #restoreToRedis}, and before any update of such a request), so
 * shared status resumes without a restart and a stale Redis copy never overrides a state this replica already reached.
 */
public final class FallbackRequestStatusStore implements RequestStatusStore {
    private static final Logger log = LoggerFactory.getLogger(FallbackRequestStatusStore.class);

    private final RedisRequestStatusStore shared;
    private final InMemoryRequestStatusStore local;
    private final Duration orphanExpiryDelay;

    /**
     * @param orphanExpiryDelay how much later than its own requests this replica expires requests it finds only in
     *        Redis: their replica, if alive, expires them itself or writes back the answer it got while Redis was away
     */
    public FallbackRequestStatusStore(RedisRequestStatusStore shared, InMemoryRequestStatusStore local,
                                      RedisAvailability availability, Duration orphanExpiryDelay) {
        this.shared = shared;
        this.local = local;
        this.orphanExpiryDelay = orphanExpiryDelay;
        availability.onRecovery(() -> restoreToRedis().subscribe());
    }

    @Override
    public Mono<Void> insert(TrackedRequest request) {
        return local.insert(request).then(shared.insert(request).onErrorResume(e -> fallback("insert", e)));
    }

    /** The more advanced of the two copies: Redis may lag behind memory just after an outage. */
    @Override
    public Mono<TrackedRequest> find(String requestId) {
        return optional(shared.find(requestId)).onErrorResume(e -> fallback("find", e).thenReturn(Optional.empty()))
                .zipWith(optional(local.find(requestId)))
                .flatMap(both -> {
                    Optional<TrackedRequest> inRedis = both.getT1();
                    Optional<TrackedRequest> inMemory = both.getT2();
                    if (inRedis.isPresent() && inMemory.isPresent()) {
                        return Mono.just(inMemory.get().isAheadOf(inRedis.get()) ? inMemory.get() : inRedis.get());
                    }
                    return Mono.justOrEmpty(inRedis.or(() -> inMemory));
                });
    }

    /**
     * Redis decides while it answers, starting from this replica's copy where that is further along (a state reached
     * while Redis was away, not yet written back), and memory then mirrors the result. A request Redis does not hold
     * but memory does (accepted while Redis was away) is updated in memory and written back. With Redis failing,
     * memory alone.
     */
    @Override
    public Mono<Update> update(String requestId, UnaryOperator<TrackedRequest> change) {
        return optional(local.find(requestId)).flatMap(mine -> mine.filter(TrackedRequest::isTerminal).isPresent()
                // a finished request never changes again (every change leaves a terminal state as it is): the
                // echo of this replica's own answer, or a late duplicate, needs no Redis round trip
                ? Mono.just(new Update(mine.get(), mine.get()))
                : updateShared(requestId, change, mine));
    }

    private Mono<Update> updateShared(String requestId, UnaryOperator<TrackedRequest> change,
                                      Optional<TrackedRequest> mine) {
        return optional(shared.update(requestId, current -> {
                    TrackedRequest base = mine.filter(m -> m.isAheadOf(current)).orElse(current);
                    TrackedRequest next = change.apply(base);
                    // unchanged from a memory copy that is ahead still writes that copy: Redis catches up
                    return next == base && base == current ? current : next;
                }))
                .flatMap(inRedis -> inRedis.isPresent()
                        ? Mono.just(fromBase(mine, inRedis.get()))
                                .flatMap(update -> local.mirror(update.after()).thenReturn(update))
                        : local.update(requestId, change).flatMap(inMemory -> shared.restore(inMemory.after())
                                .onErrorResume(e -> fallback("restore", e).thenReturn(false))
                                .thenReturn(inMemory)))
                .onErrorResume(e -> fallback("update", e).then(local.update(requestId, change)));
    }

    /** The update as this replica saw it: from its own copy when that was the base of the change. */
    private static Update fromBase(Optional<TrackedRequest> mine, Update inRedis) {
        TrackedRequest before = mine.filter(m -> m.isAheadOf(inRedis.before())).orElse(inRedis.before());
        TrackedRequest after = inRedis.after().equals(before) ? before : inRedis.after();
        return new Update(before, after);
    }

    @Override
    public Mono<Void> remove(String requestId) {
        return local.remove(requestId).then(shared.remove(requestId).onErrorResume(e -> fallback("remove", e)));
    }

    /**
     * This replica's overdue requests from memory, and other replicas' from Redis once they are overdue by
     * {@code orphanExpiryDelay} more (a replica that died expires nothing); each request once, the more advanced copy.
     */
    @Override
    public Flux<TrackedRequest> unfinishedWithDeadlineBefore(Instant cutoff) {
        Flux<TrackedRequest> orphans = shared.unfinishedWithDeadlineBefore(cutoff.minus(orphanExpiryDelay))
                .onErrorResume(e -> fallback("overdue", e).thenMany(Flux.empty()));
        return Flux.concat(orphans, local.unfinishedWithDeadlineBefore(cutoff))
                .collect(LinkedHashMap<String, TrackedRequest>::new, (byId, request) -> byId.merge(
                        request.requestId(), request, (a, b) -> b.isAheadOf(a) ? b : a))
                .flatMapIterable(Map::values);
    }

    /** Writes every request held in memory back to Redis where Redis lacks it or holds an older state. */
    public Mono<Long> restoreToRedis() {
        return local.all()
                .concatMap(request -> shared.restore(request).onErrorResume(e -> Mono.just(false)))
                .filter(Boolean::booleanValue)
                .count()
                .doOnNext(restored -> {
                    if (restored > 0) {
                        log.info("wrote {} request statuses kept in memory while Redis was away back to Redis",
                                restored);
                    }
                });
    }

    private static <T> Mono<Optional<T>> optional(Mono<T> value) {
        return value.map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    /** Any Redis failure falls back to memory; one that is not an outage (a script error, OOM, READONLY) is logged. */
    private static Mono<Void> fallback(String operation, Throwable e) {
        if (!(e instanceof RedisUnavailableException)) {
            log.warn("request status {} failed in Redis; using this replica's memory: {}", operation, e.toString());
        }
        return Mono.empty();
    }
}
