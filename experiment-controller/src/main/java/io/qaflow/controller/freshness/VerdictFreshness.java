package io.qaflow.controller.freshness;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;

/**
 * How old the latest verdict of each running experiment is: the gauge {@code qa.experiment.verdict.age{experiment}}
 * (seconds, refreshed every few seconds, running experiments only) and the health indicator {@code verdicts}, whose
 * details name each running experiment with its age and whether it is stale (older than the max age, after which
 * verdicts decide nothing). An experiment with no verdict yet counts from when it started running or, if later, from
 * when this controller started. Health stays UP: the controller's API works without verdicts; the alert rule
 * {@code QaflowVerdictsStale} is the signal.
 */
public final class VerdictFreshness implements HealthIndicator, SmartLifecycle {
    private static final Duration REFRESH = Duration.ofSeconds(5);

    /** One running experiment's freshness. */
    public record Age(String experimentId, Duration age, boolean stale) {}

    private final ExperimentStore store;
    private final LatestVerdicts verdicts;
    private final Duration maxAge;
    private final Clock clock;
    private final Instant startedAt;
    private final MultiGauge gauge;
    private ScheduledExecutorService refresher;

    public VerdictFreshness(ExperimentStore store, LatestVerdicts verdicts, Duration maxAge, Clock clock,
                            MeterRegistry registry) {
        this.store = store;
        this.verdicts = verdicts;
        this.maxAge = maxAge;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.gauge = MultiGauge.builder("qa.experiment.verdict.age").baseUnit("seconds")
                .description("Seconds since the latest verdict of each running experiment was computed")
                .register(registry);
    }

    public List<Age> ages() {
        Instant now = clock.instant();
        return store.all().stream().filter(e -> e.status() == ExperimentState.Status.RUNNING)
                .map(e -> {
                    Instant since = verdicts.find(e.experimentId()).map(ExperimentVerdict::occurredAt)
                            .orElseGet(() -> latest(e.startedAt(), startedAt));
                    Duration age = Duration.between(since, now);
                    return new Age(e.experimentId(), age, age.compareTo(maxAge) > 0);
                }).toList();
    }

    void refresh() {
        gauge.register(ages().stream().map(a -> MultiGauge.Row.of(Tags.of("experiment", a.experimentId()),
                a.age().toMillis() / 1000.0)).toList(), true);
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        for (Age age : ages()) {
            details.put(age.experimentId(), Map.of("ageSeconds", age.age().toSeconds(), "stale", age.stale()));
        }
        return Health.up().withDetail("maxAgeSeconds", maxAge.toSeconds()).withDetails(details).build();
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Override
    public synchronized void start() {
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("verdict-freshness")
                .daemon(true).factory());
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return refresher != null;
    }
}
