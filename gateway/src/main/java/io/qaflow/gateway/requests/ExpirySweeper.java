package io.qaflow.gateway.requests;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Marks requests EXPIRED when their deadline plus a grace period passed without a terminal event, so no client waits
 * forever on work that was lost. Workers report expiry too when they meet expired work; whichever comes first wins.
 */
public final class ExpirySweeper implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

    private final RequestTracker tracker;
    private final Duration interval;
    private ScheduledExecutorService scheduler;

    public ExpirySweeper(RequestTracker tracker, Duration interval) {
        this.tracker = tracker;
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
            Long expired = tracker.expireOverdue().block();
            if (expired != null && expired > 0) {
                log.info("marked {} overdue requests EXPIRED", expired);
            }
        } catch (RuntimeException e) {
            log.warn("expiry sweep failed; retrying in {}", interval, e);
        }
    }
}
