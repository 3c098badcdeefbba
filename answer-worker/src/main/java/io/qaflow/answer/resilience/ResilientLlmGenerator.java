package io.qaflow.answer.resilience;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.qaflow.answer.generation.AnswerGenerator;
import io.qaflow.answer.generation.GeneratedAnswer;
import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.answer.model.AnswerModel;
import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.LlmCallException;
import io.qaflow.answer.model.ModelAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the LLM through retry, bulkhead and circuit breaker (outermost first), each attempt limited to
 * {@code min(callTimeout, time left before the deadline's reserve)}; when the circuit is open, the bulkhead full,
 * the retries spent or the time gone, the fallback model answers and the answer is marked degraded. Fallback
 * reasons: {@code circuit_open}, {@code bulkhead_full}, {@code llm_failed}, {@code llm_timeout}, {@code no_time}.
 */
public final class ResilientLlmGenerator implements AnswerGenerator {
    private static final Logger log = LoggerFactory.getLogger(ResilientLlmGenerator.class);

    private final AnswerModel llm;
    private final AnswerModel fallbackModel;
    private final LlmResilience resilience;
    private final Duration callTimeout;
    private final Duration deadlineReserve;
    private final Duration minAttemptTime;
    private final AnswerMetrics metrics;
    private final Clock clock;

    public ResilientLlmGenerator(AnswerModel llm, AnswerModel fallback, LlmResilience resilience, Duration callTimeout,
                                 Duration deadlineReserve, Duration minAttemptTime, AnswerMetrics metrics,
                                 Clock clock) {
        this.llm = llm;
        this.fallbackModel = fallback;
        this.resilience = resilience;
        this.callTimeout = callTimeout;
        this.deadlineReserve = deadlineReserve;
        this.minAttemptTime = minAttemptTime;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public GeneratedAnswer generate(AnswerRequest request, Instant deadline) throws InterruptedException {
        Instant budgetEnd = deadline.minus(deadlineReserve);
        try {
            return GeneratedAnswer.normal(resilience.retry().executeCallable(() -> attempt(request, budgetEnd)));
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted() || e instanceof InterruptedException
                    || (e instanceof LlmCallException failure && failure.cancelled())) {
                throw new InterruptedException("the worker is stopping; the LLM call was abandoned");
            }
            return fallback(request, e);
        }
    }

    private GeneratedAnswer fallback(AnswerRequest request, Exception failure) {
        String reason = switch (failure) {
            case CallNotPermittedException e -> "circuit_open";
            case BulkheadFullException e -> "bulkhead_full";
            case LlmAttemptFailure e -> !e.attempted() ? "no_time" : e.failure().timeout() ? "llm_timeout" : "llm_failed";
            default -> {
                log.warn("LLM call failed unexpectedly; answering with the fallback", failure);
                yield "llm_failed";
            }
        };
        log.debug("LLM gave no answer ({}): {}", reason, failure.getMessage());
        return GeneratedAnswer.degraded(fallbackModel.answer(request), reason);
    }

    private ModelAnswer attempt(AnswerRequest request, Instant budgetEnd) throws Exception {
        Duration left = Duration.between(clock.instant(), budgetEnd);
        if (left.compareTo(minAttemptTime) < 0) {
            throw LlmAttemptFailure.outOfTime(budgetEnd);
        }
        Duration limit = left.compareTo(callTimeout) < 0 ? left : callTimeout;
        CircuitBreaker circuitBreaker = resilience.circuitBreaker();
        // the state the call was let through in (an open circuit turns half-open when it admits a probe)
        AtomicReference<CircuitBreaker.State> circuit = new AtomicReference<>(circuitBreaker.getState());
        try {
            ModelAnswer answer = resilience.bulkhead().executeCallable(() ->
                    circuitBreaker.executeCallable(() -> {
                        circuit.set(circuitBreaker.getState());
                        return llm.answer(request.withTimeLimit(limit));
                    }));
            metrics.llmCall("success", circuit.get());
            return answer;
        } catch (CallNotPermittedException | BulkheadFullException e) {
            metrics.llmCall("rejected", circuit.get());
            throw e;
        } catch (LlmCallException e) {
            if (e.cancelled()) {
                throw e;
            }
            metrics.llmCall(e.timeout() ? "timeout" : "failure", circuit.get());
            throw new LlmAttemptFailure(e, budgetEnd, true);
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                metrics.llmCall("failure", circuit.get());
            }
            throw e;
        }
    }

    /** The LLM circuit's state now. */
    public CircuitBreaker.State circuitState() {
        return resilience.circuitBreaker().getState();
    }

}
