package io.qaflow.gateway.requests;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.model.RequestFailed;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Marks requests EXPIRED when their deadline plus a grace period passed without a terminal event, so no client waits
 * forever on work that was lost, and publishes that expiry as the request's terminal {@link RequestFailed} (stage
 * GATEWAY, code EXPIRED, {@code EventIds.terminal}), so every accepted request ends on Kafka too, even when no worker
 * is left. Workers report expiry as well; the first terminal event wins everywhere. A publish that fails leaves the
 * local EXPIRED in place and is retried on the following sweeps, at most {@link #MAX_ATTEMPTS} times.
 */
public final class ExpirySweeper implements SmartLifecycle {
    /** With the default 10 s publish timeout, about five minutes of a broker being away. */
    static final int MAX_ATTEMPTS = 30;
    /** Expiry events waiting for their retry, at most (a broker away for long must not grow the heap). */
    static final int MAX_PENDING = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

    private record Pending(RequestFailed event, int attempts) {}

    private final RequestTracker tracker;
    private final TerminalEvents events;
    private final GatewayMetrics metrics;
    private final Duration interval;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final AtomicBoolean publishing = new AtomicBoolean();
    private ScheduledExecutorService scheduler;

    public ExpirySweeper(RequestTracker tracker, TerminalEvents events, GatewayMetrics metrics, Duration interval) {
        this.tracker = tracker;
        this.events = events;
        this.metrics = metrics;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("qa-gateway-expiry").daemon(true).factory());
        scheduler.scheduleWithFixedDelay(this::sweep, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    void sweep() {
        try {
            List<TrackedRequest> expired = tracker.expireOverdueRequests().collectList().block();
            if (expired != null && !expired.isEmpty()) {
                log.info("marked {} overdue requests EXPIRED", expired.size());
                expired.forEach(r -> enqueue(new Pending(RequestTracker.expiryEvent(r), 0)));
            }
        } catch (RuntimeException e) {
            log.warn("expiry sweep failed; retrying in {}", interval, e);
        }
        publishPending();
    }

    /** Expiry events not yet acknowledged (for tests and diagnostics). */
    int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Sends what is pending, without blocking the sweep (a publish may take the whole publish timeout). */
    private void publishPending() {
        if (!publishing.compareAndSet(false, true)) {
            return;
        }
        List<Pending> round;
        synchronized (pending) {
            round = new ArrayList<>(pending);
            pending.clear();
        }
        Flux.fromIterable(round)
                .flatMap(p -> events.publish(p.event())
                        .onErrorResume(e -> {
                            retryLater(p, e);
                            return Mono.empty();
                        }))
                .doFinally(signal -> publishing.set(false))
                .subscribe(null, e -> log.warn("publishing expiry events failed", e));
    }

    private void retryLater(Pending failed, Throwable error) {
        int attempts = failed.attempts() + 1;
        if (attempts >= MAX_ATTEMPTS) {
            metrics.error("gateway", "expiry_unpublished");
            log.error("gave up publishing the EXPIRED event of {} after {} attempts: {}",
                    failed.event().requestId(), attempts, error.getMessage());
            return;
        }
        log.warn("could not publish the EXPIRED event of {} (attempt {}); retrying on the next sweep: {}",
                failed.event().requestId(), attempts, error.getMessage());
        enqueue(new Pending(failed.event(), attempts));
    }

    private void enqueue(Pending next) {
        synchronized (pending) {
            if (pending.size() >= MAX_PENDING) {
                Pending dropped = pending.pollFirst();
                metrics.error("gateway", "expiry_unpublished");
                log.error("too many unpublished EXPIRED events: dropped the one of {}", dropped.event().requestId());
            }
            pending.addLast(next);
        }
    }
}
