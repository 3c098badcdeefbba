package io.qaflow.answer.metrics;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qaflow.model.TokenUsage;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The answer worker's meters. Tag values are small fixed sets, never request data.
 * <ul>
 *   <li>{@code qa.llm.calls{outcome=success|failure|timeout|rejected, circuit=closed|open|half_open}}: every LLM
 *       attempt, by its outcome and the circuit's state when it was made;</li>
 *   <li>{@code qa.latency{stage=generate}}: time to produce an answer, fallback included, answer-cache hits not
 *       (histogram);</li>
 *   <li>{@code qa.errors{stage=generation, code=…}}: poison records ({@code poison_record}), failed publishes
 *       ({@code publish_failed}), outputs lost after the fallbacks ({@code undeliverable}), internal errors
 *       ({@code internal}), unknown prompts ({@code unknown_prompt}), prompt registry records not usable
 *       ({@code prompt_rejected}), prompt registry reader failures ({@code prompt_reader_failed});</li>
 *   <li>{@code qa.answers{outcome=answered|degraded|cached|failed|expired}}: terminal events published;</li>
 *   <li>{@code qa.answer.inflight}: records being processed now;</li>
 *   <li>{@code qa.llm.tokens{model, type=prompt|completion}} and {@code qa.llm.cost.usd{model}}: tokens and spend of
 *       the answers this worker produced (not of answers served from the cache), for the dashboards and the
 *       cost-jump alert ({@code qa_llm_tokens_total}, {@code qa_llm_cost_usd_total}).</li>
 * </ul>
 */
public final class AnswerMetrics {
    private final MeterRegistry registry;
    private final Timer generateLatency;

    public AnswerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.generateLatency = Timer.builder("qa.latency")
                .description("Time spent per pipeline stage")
                .tag("stage", "generate")
                .publishPercentileHistogram()
                .register(registry);
    }

    public void llmCall(String outcome, CircuitBreaker.State circuit) {
        Counter.builder("qa.llm.calls")
                .description("LLM call attempts by outcome and circuit state")
                .tag("outcome", outcome)
                .tag("circuit", circuitTag(circuit))
                .register(registry)
                .increment();
    }

    public void generated(Duration took) {
        generateLatency.record(took);
    }

    public void error(String code) {
        Counter.builder("qa.errors")
                .description("Errors by stage and code")
                .tag("stage", "generation")
                .tag("code", code)
                .register(registry)
                .increment();
    }

    public void answered(String outcome) {
        Counter.builder("qa.answers")
                .description("Terminal events published by the answer worker")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** Tokens and spend of one answer produced now (a cached answer costs nothing and is not counted). */
    public void usage(String model, TokenUsage usage, double costUsd) {
        tokens(model, "prompt", usage.promptTokens());
        tokens(model, "completion", usage.completionTokens());
        Counter.builder("qa.llm.cost.usd")
                .description("Spend on the answers produced, in US dollars, by model")
                .tag("model", model)
                .register(registry)
                .increment(costUsd);
    }

    private void tokens(String model, String type, int count) {
        Counter.builder("qa.llm.tokens")
                .description("Tokens of the answers produced, by model and type (prompt, completion)")
                .tag("model", model)
                .tag("type", type)
                .register(registry)
                .increment(count);
    }

    public void inFlightGauge(Supplier<Number> inFlight) {
        io.micrometer.core.instrument.Gauge.builder("qa.answer.inflight", inFlight)
                .description("Context records being answered now")
                .register(registry);
    }

    public static String circuitTag(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            default -> "closed";
        };
    }
}
