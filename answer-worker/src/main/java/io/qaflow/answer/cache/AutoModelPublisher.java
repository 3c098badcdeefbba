package io.qaflow.answer.cache;

import io.qaflow.redis.PipelineVersions;
import io.qaflow.redis.RedisAvailability;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tells the gateway, through {@link PipelineVersions}, which model this worker answers "auto" variants with, so its
 * cache keys name the model that really answers. Published at start-up without waiting for Redis (a worker starts
 * while Redis is down), again whenever Redis comes back, and whenever the shared value is seen to differ from this
 * worker's (Redis restarted between two availability probes, or lost its data).
 */
public final class AutoModelPublisher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(AutoModelPublisher.class);

    private final PipelineVersions versions;
    private final RedisAvailability redis;
    private final String autoModel;
    private final Duration checkInterval;
    private volatile ScheduledExecutorService checker;
    private volatile String otherModelSeen;

    public AutoModelPublisher(PipelineVersions versions, RedisAvailability redis, String autoModel,
                              Duration checkInterval) {
        this.versions = versions;
        this.redis = redis;
        this.autoModel = Objects.requireNonNull(autoModel, "autoModel");
        this.checkInterval = checkInterval;
        redis.onRecovery(() -> {
            if (isRunning()) {
                publish();
            }
        });
    }

    public String autoModel() {
        return autoModel;
    }

    @Override
    public void start() {
        if (redis.state().mode() == RedisAvailability.Mode.DISABLED) {
            return;
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("auto-model-publisher").daemon().factory());
        checker = scheduler;
        publish();
        scheduler.scheduleWithFixedDelay(this::republishIfChanged, checkInterval.toMillis(), checkInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void republishIfChanged() {
        String shared = versions.current().autoModel();
        if (!redis.isAvailable() || autoModel.equals(shared)) {
            return;
        }
        if (shared != null && !shared.equals(otherModelSeen)) {
            otherModelSeen = shared;
            log.warn("the shared auto model is '{}' but this worker answers auto variants with '{}'; answer workers "
                    + "should be configured alike (publishing '{}' again)", shared, autoModel, autoModel);
        }
        publish();
    }

    private void publish() {
        versions.publishAutoModel(autoModel).subscribe(
                null,
                e -> log.debug("publishing the auto model '{}' failed (published again when Redis is back): {}",
                        autoModel, e.toString()),
                () -> log.debug("published the auto model '{}'", autoModel));
    }

    @Override
    public void stop() {
        ScheduledExecutorService scheduler = checker;
        checker = null;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return checker != null;
    }
}
