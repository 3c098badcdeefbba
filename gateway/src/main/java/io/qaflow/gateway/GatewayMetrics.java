package io.qaflow.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qaflow.gateway.requests.TrackedRequest;
import java.time.Duration;
import java.util.Locale;

/**
 * The gateway's own meters. Tag values are bounded: endpoint patterns, outcomes, stages, error codes, topic names.
 * <ul>
 *   <li>{@code qa.requests} (endpoint, outcome): HTTP calls to the v1 API</li>
 *   <li>{@code qa.latency} (stage=total, outcome): acceptance to terminal status, as a histogram</li>
 *   <li>{@code qa.errors} (stage, code): failed/expired requests, unpublishable events, unreadable records</li>
 *   <li>{@code qa.duplicates} (kind=terminal): terminal events for requests that had already finished</li>
 * </ul>
 */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final Counter duplicateTerminals;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicateTerminals = Counter.builder("qa.duplicates")
                .description("terminal events for requests that had already finished; ignored")
                .tag("kind", "terminal")
                .register(registry);
    }

    public void request(String endpoint, String outcome) {
        Counter.builder("qa.requests")
                .description("calls to the v1 HTTP API")
                .tag("endpoint", endpoint)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** A request reached its terminal status {@code elapsed} after its acceptance. */
    public void finished(TrackedRequest request, Duration elapsed) {
        String outcome = lower(request.status().name());
        Timer.builder("qa.latency")
                .description("time from acceptance to the terminal status")
                .tag("stage", "total")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed);
        if (request.failure() != null) {
            error(lower(request.failure().stage().name()), lower(request.failure().code().name()));
        }
    }

    public void error(String stage, String code) {
        Counter.builder("qa.errors")
                .description("failures seen by the gateway")
                .tag("stage", stage)
                .tag("code", code)
                .register(registry)
                .increment();
    }

    public void duplicateTerminal() {
        duplicateTerminals.increment();
    }

    private static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
