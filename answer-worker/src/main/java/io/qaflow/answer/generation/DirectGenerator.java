package io.qaflow.answer.generation;

import io.qaflow.answer.model.AnswerModel;
import io.qaflow.answer.model.AnswerRequest;
import java.time.Instant;

/** Answers with one local model and nothing around it: the extractive answerer when no LLM is configured. */
public final class DirectGenerator implements AnswerGenerator {
    private final AnswerModel model;

    public DirectGenerator(AnswerModel model) {
        this.model = model;
    }

    @Override
    public GeneratedAnswer generate(AnswerRequest request, Instant deadline) {
        return GeneratedAnswer.normal(model.answer(request));
    }
}
