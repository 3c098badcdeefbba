package io.qaflow.answer.resilience;

import io.qaflow.answer.model.AnswerModel;
import io.qaflow.answer.model.AnswerRequest;
import io.qaflow.answer.model.LlmCallException;
import io.qaflow.answer.model.ModelAnswer;
import io.qaflow.model.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in LLM for the resilience tests: each call takes the next scripted step (the last one repeats), and the
 * calls are recorded with their time limit and arrival time.
 */
final class ScriptedModel implements AnswerModel {
    record Call(Duration timeLimit, long nanoTime) {}

    private final String name;
    private final ConcurrentLinkedQueue<Function<AnswerRequest, ModelAnswer>> steps = new ConcurrentLinkedQueue<>();
    private volatile Function<AnswerRequest, ModelAnswer> last;
    final List<Call> calls = new CopyOnWriteArrayList<>();

    ScriptedModel(String name) {
        this.name = name;
        this.last = this::succeed;
    }

    ScriptedModel then(Function<AnswerRequest, ModelAnswer> step) {
        steps.add(step);
        last = step;
        return this;
    }

    ScriptedModel thenFail(LlmCallException.Kind kind, int status) {
        return then(r -> {
            throw new LlmCallException(kind, status, null, "scripted " + kind, null);
        });
    }

    ScriptedModel thenSucceed() {
        return then(this::succeed);
    }

    ModelAnswer succeed(AnswerRequest request) {
        return new ModelAnswer(name + " answer", request.chunks(), new TokenUsage(10, 5, false), name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelAnswer answer(AnswerRequest request) {
        calls.add(new Call(request.timeLimit(), System.nanoTime()));
        Function<AnswerRequest, ModelAnswer> step = steps.poll();
        return (step != null ? step : last).apply(request);
    }
}
