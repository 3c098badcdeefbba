package io.qaflow.answer;

import io.qaflow.answer.extractive.ExtractiveAnswerModel;
import io.qaflow.answer.llm.OpenAiAnswerModel;
import java.util.Optional;

/** The worker's answer models: the extractive one always, the LLM adapter when an endpoint is configured. */
record AnswerModels(ExtractiveAnswerModel extractive, Optional<OpenAiAnswerModel> llm) implements AutoCloseable {

    @Override
    public void close() {
        llm.ifPresent(OpenAiAnswerModel::close);
    }
}
