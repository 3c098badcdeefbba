package io.qaflow.embedder.ingest;

import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import io.qaflow.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Publishes the index's corpus version to Redis ({@link PipelineVersions#publishCorpusVersion}), where the gateway
 * reads it to look answers up under the corpus they were retrieved from: once the index has caught up at start,
 * after every change, when Redis comes back, and every {@code republishInterval} (so a flushed Redis or a lagging
 * replica's older value is corrected). Never before catching up: a half-built index has a version no answer has.
 * Publishing runs on its own thread, one at a time and always with the version of that moment, so a slow or absent
 * Redis never delays ingestion and an older version never overwrites a newer one from this replica.
 */
public final class CorpusVersionPublisher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CorpusVersionPublisher.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<String> corpusVersion;
    private final IndexStatus status;
    private final PipelineVersions versions;
    private final Duration republishInterval;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile ScheduledExecutorService executor;
    private volatile String published;

    public CorpusVersionPublisher(Supplier<String> corpusVersion, IndexStatus status, PipelineVersions versions,
                                  RedisAvailability redis, Duration republishInterval) {
        this.corpusVersion = Objects.requireNonNull(corpusVersion, "corpusVersion");
        this.status = Objects.requireNonNull(status, "status");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.republishInterval = Objects.requireNonNull(republishInterval, "republishInterval");
        redis.onRecovery(this::request);
    }

    @EventListener
    public void onCaughtUp(CorpusCaughtUp event) {
        request();
    }

    @EventListener
    public void onChanged(CorpusChanged event) {
        request();
    }

    /** The version this replica last got acknowledged by Redis; null before the first. */
    public String published() {
        return published;
    }

    /** Schedules a publication of the current version, unless one is already waiting to run. */
    public void request() {
        ScheduledExecutorService current = executor;
        if (current == null || !status.caughtUp() || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            current.execute(this::publish);
        } catch (RuntimeException e) {
            pending.set(false);
        }
    }

    private void publish() {
        pending.set(false);
        String version = corpusVersion.get();
        try {
            versions.publishCorpusVersion(version).block(PUBLISH_TIMEOUT);
            if (!version.equals(published)) {
                log.info("published corpus version {}", version);
            }
            published = version;
        } catch (RedisUnavailableException e) {
            log.debug("corpus version {} not published: Redis unavailable", version);
        } catch (RuntimeException e) {
            log.warn("publishing corpus version {} failed", version, e);
        }
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("qaflow-corpus-version")
                .daemon().factory());
        long every = republishInterval.toMillis();
        executor.scheduleWithFixedDelay(this::request, every, every, TimeUnit.MILLISECONDS);
        request();
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    /** Runs before the corpus ingestor starts, so its first change and catching up are not missed. */
    @Override
    public int getPhase() {
        return CorpusIngestor.PHASE - 1;
    }
}
