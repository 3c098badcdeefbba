package io.qaflow.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * Every Redis call of a service goes through here: it is timed ({@code qa.redis.command}), bounded by the command
 * timeout, and a connection failure or timeout switches the service to degraded mode, where calls fail at once with
 * {@link RedisUnavailableException} and callers use their in-process fallback instead of waiting on a dead server. A
 * probe every {@code probeInterval} notices when Redis is back and ends the degradation by itself; listeners are told
 * (e.g. to copy what was kept locally meanwhile back to Redis).
 */
public final class RedisAvailability implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RedisAvailability.class);
    private static final String PROBE_KEY = "qa:probe";

    /** What the service is running on. */
    public enum Mode {
        /** Redis answers. */
        REDIS,
        /** Redis is configured but does not answer: in-process fallbacks serve. */
        DEGRADED,
        /** Redis is switched off ({@code qaflow.redis.enabled=false}): in-process only. */
        DISABLED
    }

    /** The current mode, since when, and the last error that caused a degradation. */
    public record State(Mode mode, Instant since, String lastError) {}

    private final RedissonReactiveClient client;
    private final Duration commandTimeout;
    private final Duration probeInterval;
    private final MeterRegistry registry;
    private final Counter degradations;
    private final Counter recoveries;
    private final AtomicReference<State> state;
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService prober;

    /** @param client null when Redis is switched off */
    public RedisAvailability(RedissonReactiveClient client, Duration commandTimeout, Duration probeInterval,
                             MeterRegistry registry) {
        this.client = client;
        this.commandTimeout = commandTimeout;
        this.probeInterval = probeInterval;
        this.registry = registry;
        // optimistic until the first call or probe says otherwise: the first requests need not wait for a probe
        this.state = new AtomicReference<>(new State(client == null ? Mode.DISABLED : Mode.REDIS, Instant.now(), null));
        this.degradations = Counter.builder("qa.redis.degradations")
                .description("Times the service lost Redis and switched to its in-process fallbacks")
                .register(registry);
        this.recoveries = Counter.builder("qa.redis.recoveries")
                .description("Times Redis came back and the service resumed using it").register(registry);
        Gauge.builder("qa.redis.degraded", this, a -> a.state().mode() == Mode.REDIS ? 0 : 1)
                .description("1 while the service runs without Redis (down or switched off)").register(registry);
    }

    public static RedisAvailability disabled(MeterRegistry registry) {
        return new RedisAvailability(null, Duration.ofMillis(1), Duration.ofSeconds(1), registry);
    }

    public State state() {
        return state.get();
    }

    public boolean isAvailable() {
        return state.get().mode() == Mode.REDIS;
    }

    /** The client; only for calls made through {@link #call}. */
    public RedissonReactiveClient client() {
        return client;
    }

    /** Runs {@code listener} each time Redis comes back after a degradation. */
    public void onRecovery(Runnable listener) {
        recoveryListeners.add(listener);
    }

    /**
     * Runs a Redis command: timed as {@code operation}, failing fast with {@link RedisUnavailableException} while
     * degraded, and degrading the service when the command cannot reach Redis.
     */
    public <T> Mono<T> call(String operation, Supplier<Mono<T>> command) {
        if (!isAvailable()) {
            return Mono.error(new RedisUnavailableException("Redis is " + state().mode() + " (" + operation + ")",
                    null));
        }
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return command.get()
                    .timeout(commandTimeout.multipliedBy(2))
                    .doOnSuccess(ignored -> record(operation, "success", start))
                    .onErrorMap(e -> {
                        boolean unreachable = isUnreachable(e);
                        record(operation, unreachable ? "unavailable" : "error", start);
                        if (unreachable) {
                            degrade(operation, e);
                            return new RedisUnavailableException("Redis unavailable during " + operation, e);
                        }
                        return e;
                    });
        });
    }

    private void record(String operation, String outcome, long startNanos) {
        Timer.builder("qa.redis.command").description("Redis command latency as the service sees it")
                .tag("operation", operation).tag("outcome", outcome)
                .register(registry).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisTimeoutException
                    || t instanceof TimeoutException || t instanceof java.io.IOException
                    || t instanceof org.redisson.RedissonShutdownException) {
                return true;
            }
            if (t instanceof RedisException && t.getMessage() != null
                    && t.getMessage().contains("Unable to")) {
                return true;
            }
        }
        return false;
    }

    private void degrade(String operation, Throwable cause) {
        State before = state.get();
        if (before.mode() == Mode.REDIS
                && state.compareAndSet(before, new State(Mode.DEGRADED, Instant.now(), cause.toString()))) {
            degradations.increment();
            log.warn("Redis unavailable ({} failed: {}); serving from in-process fallbacks until it is back",
                    operation, cause.toString());
        }
    }

    private void probe() {
        if (client == null) {
            return;
        }
        try {
            client.getBucket(PROBE_KEY, StringCodec.INSTANCE).isExists()
                    .timeout(commandTimeout.multipliedBy(2))
                    .block();
            State before = state.get();
            if (before.mode() == Mode.DEGRADED
                    && state.compareAndSet(before, new State(Mode.REDIS, Instant.now(), before.lastError()))) {
                recoveries.increment();
                log.info("Redis is back after {}; using it again",
                        Duration.between(before.since(), Instant.now()));
                recoveryListeners.forEach(RedisAvailability::runQuietly);
            }
        } catch (RuntimeException e) {
            degrade("probe", e);
        }
    }

    private static void runQuietly(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            log.warn("a Redis recovery listener failed", e);
        }
    }

    @Override
    public void start() {
        if (client == null) {
            log.warn("Redis is switched off (qaflow.redis.enabled=false): caches, status and rate limits are "
                    + "in-process only and not shared between replicas");
            return;
        }
        prober = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("redis-probe").daemon()
                .factory());
        prober.scheduleWithFixedDelay(this::probe, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (prober != null) {
            prober.shutdownNow();
            prober = null;
        }
    }

    @Override
    public boolean isRunning() {
        return prober != null;
    }
}
