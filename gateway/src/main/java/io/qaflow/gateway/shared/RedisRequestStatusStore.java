package io.qaflow.gateway.shared;

import io.qaflow.gateway.requests.RequestStatusStore;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.redis.RedisKeys;
import io.qaflow.model.kafka.Json;
import io.qaflow.redis.RedisAvailability;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.redisson.api.RScript;
import org.redisson.api.RScriptReactive;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request statuses in Redis, shared by every gateway replica: one JSON value per request with a TTL of
 * {@code retention} from acceptance, and a sorted set of unfinished requests by deadline so any replica can expire
 * the requests of one that died. Updates are compare-and-set (a Lua script), so concurrent replicas applying the same
 * event agree on one winner. Errors reach the caller (see {@link FallbackRequestStatusStore} for the fallback).
 */
public final class RedisRequestStatusStore implements RequestStatusStore {
    private static final int MAX_CAS_ATTEMPTS = 16;
    private static final int SWEEP_BATCH = 500;

    private static final String INSERT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5]) end
            return 1""";
    private static final String INSERT_IF_ABSENT = """
            if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
              if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5]) end
              return 1
            end
            return 0""";
    private static final String COMPARE_AND_SET = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            if ARGV[3] == '1' then redis.call('ZREM', KEYS[2], ARGV[4]) end
            return 1""";
    private static final String REMOVE = """
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1""";

    private final RedisAvailability redis;
    private final Duration retention;
    private final Clock clock;

    public RedisRequestStatusStore(RedisAvailability redis, Duration retention, Clock clock) {
        this.redis = redis;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public Mono<Void> insert(TrackedRequest request) {
        return redis.call("status-insert", () -> script().<Long>eval(RScript.Mode.READ_WRITE, INSERT,
                RScript.ReturnType.LONG, keys(request.requestId()), insertArgs(request))).then();
    }

    /**
     * Writes {@code request} unless Redis already holds it at the same point of its life cycle or further: how a
     * replica hands back what it kept in memory while Redis was away.
     *
     * @return whether Redis changed
     */
    public Mono<Boolean> restore(TrackedRequest request) {
        String id = request.requestId();
        return read(id)
                .flatMap(current -> request.isAheadOf(current.request())
                        ? compareAndSet(current.json(), request)
                        : Mono.just(false))
                .switchIfEmpty(Mono.defer(() -> redis.call("status-restore", () -> script().<Long>eval(
                        RScript.Mode.READ_WRITE, INSERT_IF_ABSENT, RScript.ReturnType.LONG, keys(id),
                        insertArgs(request))).map(inserted -> inserted == 1L)));
    }

    @Override
    public Mono<TrackedRequest> find(String requestId) {
        return read(requestId).map(Stored::request);
    }

    @Override
    public Mono<Update> update(String requestId, UnaryOperator<TrackedRequest> change) {
        return attemptUpdate(requestId, change, 1);
    }

    private Mono<Update> attemptUpdate(String requestId, UnaryOperator<TrackedRequest> change, int attempt) {
        return read(requestId).flatMap(current -> {
            TrackedRequest next = change.apply(current.request());
            if (next == current.request()) {
                return Mono.just(new Update(current.request(), current.request()));
            }
            return compareAndSet(current.json(), next).flatMap(applied -> {
                if (applied) {
                    return Mono.just(new Update(current.request(), next));
                }
                if (attempt >= MAX_CAS_ATTEMPTS) {
                    return Mono.error(new IllegalStateException("request " + requestId + " changed "
                            + MAX_CAS_ATTEMPTS + " times while it was being updated"));
                }
                return attemptUpdate(requestId, change, attempt + 1);
            });
        });
    }

    @Override
    public Mono<Void> remove(String requestId) {
        return redis.call("status-remove", () -> script().<Long>eval(RScript.Mode.READ_WRITE, REMOVE,
                RScript.ReturnType.LONG, keys(requestId), requestId)).then();
    }

    @Override
    public Flux<TrackedRequest> unfinishedWithDeadlineBefore(Instant cutoff) {
        return redis.call("status-overdue", () -> redis.client().<String>getScoredSortedSet(
                        RedisKeys.OPEN_REQUESTS, StringCodec.INSTANCE)
                        .valueRange(Double.NEGATIVE_INFINITY, true, cutoff.toEpochMilli(), false, 0, SWEEP_BATCH)
                        .map(ids -> (List<String>) new ArrayList<>(ids)))
                .filter(ids -> !ids.isEmpty())
                .flatMapMany(ids -> redis.call("status-overdue-read", () -> redis.client().getBuckets(
                                StringCodec.INSTANCE).<String>get(ids.stream().map(RedisRequestStatusStore::key)
                                .toArray(String[]::new)))
                        .flatMapMany(found -> {
                            List<TrackedRequest> open = new ArrayList<>();
                            List<String> gone = new ArrayList<>();
                            for (String id : ids) {
                                Object json = found.get(key(id));
                                TrackedRequest request = json == null ? null : parse(json.toString());
                                if (request == null || request.isTerminal()) {
                                    gone.add(id);
                                } else {
                                    open.add(request);
                                }
                            }
                            return forget(gone).thenMany(Flux.fromIterable(open));
                        }));
    }

    /** Drops ids from the open set whose request finished or outlived its retention. */
    private Mono<Void> forget(List<String> ids) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return redis.call("status-forget", () -> redis.client().<String>getScoredSortedSet(
                RedisKeys.OPEN_REQUESTS, StringCodec.INSTANCE).removeAll(ids)).then();
    }

    private Mono<Boolean> compareAndSet(String expectedJson, TrackedRequest next) {
        return redis.call("status-update", () -> script().<Long>eval(RScript.Mode.READ_WRITE, COMPARE_AND_SET,
                        RScript.ReturnType.LONG, keys(next.requestId()), expectedJson, json(next),
                        next.isTerminal() ? "1" : "0", next.requestId()))
                .map(applied -> applied == 1L);
    }

    private record Stored(String json, TrackedRequest request) {}

    private Mono<Stored> read(String requestId) {
        return redis.call("status-get", () -> redis.client().<String>getBucket(key(requestId), StringCodec.INSTANCE)
                        .get())
                .map(json -> new Stored(json, parse(json)));
    }

    private Object[] insertArgs(TrackedRequest request) {
        long ttlMs = Math.max(1_000, Duration.between(clock.instant(), request.acceptedAt().plus(retention))
                .toMillis());
        return new Object[] {json(request), Long.toString(ttlMs), request.isTerminal() ? "0" : "1",
                Long.toString(request.deadline().toEpochMilli()), request.requestId()};
    }

    private RScriptReactive script() {
        return redis.client().getScript(StringCodec.INSTANCE);
    }

    private static List<Object> keys(String requestId) {
        return List.of(key(requestId), RedisKeys.OPEN_REQUESTS);
    }

    static String key(String requestId) {
        return RedisKeys.REQUEST_PREFIX + requestId;
    }

    private static String json(TrackedRequest request) {
        return Json.MAPPER.writeValueAsString(request);
    }

    private static TrackedRequest parse(String json) {
        return Json.MAPPER.readValue(json, TrackedRequest.class);
    }
}
