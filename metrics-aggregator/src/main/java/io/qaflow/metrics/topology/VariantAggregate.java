package io.qaflow.metrics.topology;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.qaflow.metrics.verdict.ArmSummary;
import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import io.qaflow.model.Rating;
import io.qaflow.model.StageLatency;
import io.qaflow.model.VariantStats;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The running statistics of one experiment variant in one window (or cumulatively), as kept in the state stores.
 * Mutable on purpose: the Streams aggregator updates it in place and {@link VariantAggregateSerde} writes it back.
 * Cost and latency mean and variance use Welford's online algorithm, so they stay exact to rounding over any number of events.
 */
public final class VariantAggregate {
    String experimentId;
    String variant;
    long firstEventMs = Long.MAX_VALUE;
    long lastEventMs = Long.MIN_VALUE;
    long answered;
    long failed;
    long degraded;
    long expired;
    long cacheHits;
    long promptTokens;
    long completionTokens;
    long feedbackUp;
    long feedbackDown;
    long late;
    final Map<FailureCode, Long> failedByCode = new EnumMap<>(FailureCode.class);
    final Map<FailureStage, Long> failedByStage = new EnumMap<>(FailureStage.class);
    long latencyCount;
    double latencyMean;
    double latencyM2;
    long costCount;
    double costSum;
    double costMean;
    double costM2;
    DDSketch total = LatencySketch.create();
    DDSketch embed = LatencySketch.create();
    DDSketch retrieve = LatencySketch.create();
    DDSketch generate = LatencySketch.create();

    public VariantAggregate add(Observation o) {
        experimentId = o.experimentId();
        variant = o.variant();
        firstEventMs = Math.min(firstEventMs, o.eventTimeMs());
        lastEventMs = Math.max(lastEventMs, o.eventTimeMs());
        switch (o.kind()) {
            case ANSWERED -> addAnswer(o.answer());
            case FAILED -> addFailure(o.failure());
            case FEEDBACK -> {
                if (o.rating() == Rating.UP) {
                    feedbackUp++;
                } else {
                    feedbackDown++;
                }
            }
        }
        return this;
    }

    private void addAnswer(Observation.Answer a) {
        answered++;
        if (a.degraded()) {
            degraded++;
        }
        if (a.cached()) {
            cacheHits++;
        }
        promptTokens += a.promptTokens();
        completionTokens += a.completionTokens();
        StageLatency l = a.latencyMs();
        addLatency(l.total());
        total.accept(l.total());
        embed.accept(l.embed());
        retrieve.accept(l.retrieve());
        generate.accept(l.generate());
        addCost(a.costUsd());
    }

    private void addFailure(Observation.Failure f) {
        failed++;
        if (f.code() == FailureCode.EXPIRED) {
            expired++;
        }
        failedByCode.merge(f.code(), 1L, Long::sum);
        failedByStage.merge(f.stage(), 1L, Long::sum);
        addCost(0);
    }

    private void addLatency(double latency) {
        latencyCount++;
        double delta = latency - latencyMean;
        latencyMean += delta / latencyCount;
        latencyM2 += delta * (latency - latencyMean);
    }

    private void addCost(double cost) {
        costCount++;
        costSum += cost;
        double delta = cost - costMean;
        costMean += delta / costCount;
        costM2 += delta * (cost - costMean);
    }

    /** Adds another aggregate of the same variant (e.g. one per partition), using Chan et al.'s parallel variance. */
    public VariantAggregate merge(VariantAggregate other) {
        if (experimentId == null) {
            experimentId = other.experimentId;
            variant = other.variant;
        }
        firstEventMs = Math.min(firstEventMs, other.firstEventMs);
        lastEventMs = Math.max(lastEventMs, other.lastEventMs);
        answered += other.answered;
        failed += other.failed;
        degraded += other.degraded;
        expired += other.expired;
        cacheHits += other.cacheHits;
        promptTokens += other.promptTokens;
        completionTokens += other.completionTokens;
        feedbackUp += other.feedbackUp;
        feedbackDown += other.feedbackDown;
        late += other.late;
        other.failedByCode.forEach((k, v) -> failedByCode.merge(k, v, Long::sum));
        other.failedByStage.forEach((k, v) -> failedByStage.merge(k, v, Long::sum));
        if (other.costCount > 0) {
            long n = costCount + other.costCount;
            double delta = other.costMean - costMean;
            costM2 += other.costM2 + delta * delta * costCount * other.costCount / n;
            costMean += delta * other.costCount / n;
            costSum += other.costSum;
            costCount = n;
        }
        if (other.latencyCount > 0) {
            long n = latencyCount + other.latencyCount;
            double delta = other.latencyMean - latencyMean;
            latencyM2 += other.latencyM2 + delta * delta * latencyCount * other.latencyCount / n;
            latencyMean += delta * other.latencyCount / n;
            latencyCount = n;
        }
        total.mergeWith(other.total);
        embed.mergeWith(other.embed);
        retrieve.mergeWith(other.retrieve);
        generate.mergeWith(other.generate);
        return this;
    }

    public DDSketch totalLatency() {
        return total;
    }

    /** The verdict's view of this (cumulative) aggregate. */
    public ArmSummary toArmSummary() {
        return new ArmSummary(variant, answered + failed, answered, failed, degraded, feedbackUp, feedbackDown,
                latencyCount, latencyMean, latencyCount < 2 ? 0 : Math.max(0, latencyM2 / (latencyCount - 1)), total,
                costCount, costMean, costCount < 2 ? 0 : Math.max(0, costM2 / (costCount - 1)));
    }

    public String experimentId() {
        return experimentId;
    }

    public String variant() {
        return variant;
    }

    /** The key the statistics are grouped by: experiment/variant. */
    public String groupKey() {
        return experimentId + "/" + variant;
    }

    public long lastEventMs() {
        return lastEventMs;
    }

    /** Events counted in this aggregate: terminal events and feedback. */
    public long events() {
        return answered + failed + feedbackUp + feedbackDown;
    }

    /** Events that arrived after their window had closed; a partial is either wholly late or not at all. */
    public long lateEvents() {
        return late;
    }

    /** Marks every event of this partial aggregate as late: its window had closed when it arrived. */
    public void markLate() {
        late = events();
    }

    /** The published form: a window's record when {@code windowStart} is given, else the cumulative record. */
    public VariantStats toStats(Instant windowStart, Instant windowEnd) {
        boolean cumulative = windowStart == null;
        Instant start = cumulative ? Instant.ofEpochMilli(firstEventMs) : windowStart;
        Instant end = cumulative ? Instant.ofEpochMilli(lastEventMs) : windowEnd;
        return new VariantStats(VariantStats.SCHEMA_VERSION, experimentId, variant, cumulative, start, end,
                answered + failed, answered, failed, failedByCode, failedByStage, degraded, expired, cacheHits,
                new VariantStats.Latencies(LatencySketch.percentiles(total), LatencySketch.percentiles(embed),
                        LatencySketch.percentiles(retrieve), LatencySketch.percentiles(generate)),
                promptTokens, completionTokens,
                new VariantStats.Cost(costSum, costCount == 0 ? 0 : costMean,
                        costCount < 2 ? 0 : Math.max(0, costM2 / (costCount - 1))),
                feedbackUp, feedbackDown, late);
    }
}
