package io.qaflow.redis;

import io.qaflow.redis.RedisKeys;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RMapReactive;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * The versions an answer depends on that no single request carries, shared through Redis: the corpus version (set by
 * the embedder whenever its index changes) and the model the answer workers use for variants that say "auto". Read
 * every {@code refreshInterval}; the last values read stay in use while Redis is away.
 */
public final class PipelineVersions implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PipelineVersions.class);

    /** The values last read; a field is null until its owner has published it. */
    public record Snapshot(String corpusVersion, String autoModel) {}

    private final RedisAvailability redis;
    private final Duration refreshInterval;
    private volatile Snapshot current = new Snapshot(null, null);
    private ScheduledExecutorService refresher;

    public PipelineVersions(RedisAvailability redis, Duration refreshInterval) {
        this.redis = redis;
        this.refreshInterval = refreshInterval;
    }

    public Snapshot current() {
        return current;
    }

    /** Publishes the embedder's corpus version. */
    public Mono<Void> publishCorpusVersion(String version) {
        return publish(RedisKeys.CORPUS_VERSION_FIELD, version);
    }

    /** Publishes the model "auto" variants are answered with. */
    public Mono<Void> publishAutoModel(String model) {
        return publish(RedisKeys.AUTO_MODEL_FIELD, model);
    }

    private Mono<Void> publish(String field, String value) {
        return redis.call("pipeline-publish", () -> map().fastPut(field, value).then())
                .doOnSuccess(ignored -> current = with(current, field, value));
    }

    /** Reads the versions now; keeps the last ones when Redis does not answer. */
    public Mono<Snapshot> refresh() {
        return redis.call("pipeline-read", () -> map().readAllMap())
                .map(values -> current = new Snapshot(values.get(RedisKeys.CORPUS_VERSION_FIELD),
                        values.get(RedisKeys.AUTO_MODEL_FIELD)))
                .onErrorResume(RedisUnavailableException.class, e -> Mono.just(current));
    }

    private static Snapshot with(Snapshot snapshot, String field, String value) {
        return RedisKeys.CORPUS_VERSION_FIELD.equals(field)
                ? new Snapshot(value, snapshot.autoModel())
                : new Snapshot(snapshot.corpusVersion(), value);
    }

    private RMapReactive<String, String> map() {
        return redis.client().getMap(RedisKeys.PIPELINE, StringCodec.INSTANCE);
    }

    @Override
    public void start() {
        if (redis.state().mode() == RedisAvailability.Mode.DISABLED) {
            return;
        }
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pipeline-versions")
                .daemon().factory());
        refresher.scheduleWithFixedDelay(() -> {
            try {
                refresh().block();
            } catch (RuntimeException e) {
                log.debug("reading the pipeline versions failed", e);
            }
        }, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    @Override
    public boolean isRunning() {
        return refresher != null;
    }
}
