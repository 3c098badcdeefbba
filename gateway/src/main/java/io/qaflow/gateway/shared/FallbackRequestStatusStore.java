package io.qaflow.gateway.shared;

import io.qaflow.gateway.requests.InMemoryRequestStatusStore;
import io.qaflow.gateway.requests.RequestStatusStore;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisUnavailableException;
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
 * kept in memory. With Redis away the memory copy serves, so the requests this replica accepted keep being tracked,
 * answered and expired; requests of other replicas are then unknown here. When Redis returns, what changed in memory
 * meanwhile is written back ({@link #restoreToRedis}), so shared status resumes without a restart.
 */
public final class FallbackRequestStatusStore implements RequestStatusStore {
    private static final Logger log = LoggerFactory.getLogger(FallbackRequestStatusStore.class);

    private final RedisRequestStatusStore shared;
    private final InMemoryRequestStatusStore local;

    public FallbackRequestStatusStore(RedisRequestStatusStore shared, InMemoryRequestStatusStore local,
                                      RedisAvailability availability) {
        this.shared = shared;
        this.local = local;
        availability.onRecovery(() -> restoreToRedis().subscribe());
    }

    @Override
    public Mono<Void> insert(TrackedRequest request) {
        return local.insert(request).then(shared.insert(request).onErrorResume(RedisUnavailableException.class,
                e -> Mono.empty()));
    }

    /** The more advanced of the two copies: Redis may lag behind memory just after an outage. */
    @Override
    public Mono<TrackedRequest> find(String requestId) {
        return shared.find(requestId).map(Optional::of).defaultIfEmpty(Optional.empty())
                .onErrorResume(RedisUnavailableException.class, e -> Mono.just(Optional.empty()))
                .zipWith(local.find(requestId).map(Optional::of).defaultIfEmpty(Optional.empty()))
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
     * Redis decides while it answers (memory then mirrors its result); a request Redis does not hold but memory does
     * (accepted while Redis was away) is updated in memory and written back; with Redis away, memory alone.
     */
    @Override
    public Mono<Update> update(String requestId, UnaryOperator<TrackedRequest> change) {
        return shared.update(requestId, change).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(inRedis -> inRedis.isPresent()
                        ? local.mirror(inRedis.get().after()).thenReturn(inRedis.get())
                        : local.update(requestId, change).flatMap(inMemory -> shared.restore(inMemory.after())
                                .onErrorResume(RedisUnavailableException.class, e -> Mono.just(false))
                                .thenReturn(inMemory)))
                .onErrorResume(RedisUnavailableException.class, e -> local.update(requestId, change));
    }

    @Override
    public Mono<Void> remove(String requestId) {
        return local.remove(requestId).then(shared.remove(requestId).onErrorResume(RedisUnavailableException.class,
                e -> Mono.empty()));
    }

    /** Both sets, each request once (the more advanced copy). */
    @Override
    public Flux<TrackedRequest> unfinishedWithDeadlineBefore(Instant cutoff) {
        Flux<TrackedRequest> fromRedis = shared.unfinishedWithDeadlineBefore(cutoff)
                .onErrorResume(RedisUnavailableException.class, e -> Flux.empty());
        return Flux.concat(fromRedis, local.unfinishedWithDeadlineBefore(cutoff))
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
}
