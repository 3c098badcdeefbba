package io.qaflow.answer.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How re-executed semantic-cache hits compared with the answers they would have been served:
 * <ul>
 *   <li>{@code qa.cache.semantic.verifications{result=agree|disagree|missing|skipped}}: {@code missing} when the
 *       candidate's answer is no longer cached (expired, or Redis unreachable), {@code skipped} when the fresh
 *       answer was degraded and says nothing about the cached one;</li>
 *   <li>{@code qa.cache.semantic.agreement}: agree / (agree + disagree) of this replica since it started. The gauge
 *       is registered at the first comparison, so it is absent, never NaN or a misleading 0, before.</li>
 * </ul>
 */
public final class SemanticVerifications {

    public enum Result {
        AGREE, DISAGREE, MISSING, SKIPPED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final AtomicLong agreed = new AtomicLong();
    private final AtomicLong disagreed = new AtomicLong();
    private final AtomicBoolean gaugeRegistered = new AtomicBoolean();

    public SemanticVerifications(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(Result result) {
        switch (result) {
            case AGREE -> agreed.incrementAndGet();
            case DISAGREE -> disagreed.incrementAndGet();
            default -> {
            }
        }
        Counter.builder("qa.cache.semantic.verifications")
                .description("Re-executed semantic-cache hits by how the fresh answer compared with the cached one")
                .tag("result", result.tag())
                .register(registry)
                .increment();
        if ((result == Result.AGREE || result == Result.DISAGREE) && gaugeRegistered.compareAndSet(false, true)) {
            Gauge.builder("qa.cache.semantic.agreement", this, SemanticVerifications::agreementRate)
                    .description("Share of compared semantic-cache hits whose fresh answer agreed (token F1 >= 0.5)")
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** agree / (agree + disagree); 0 before the first comparison. */
    public double agreementRate() {
        long agree = agreed.get();
        long compared = agree + disagreed.get();
        return compared == 0 ? 0.0 : (double) agree / compared;
    }
}
