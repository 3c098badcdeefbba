package io.qaflow.answer.model;

/**
 * Something that answers a question from retrieved context: the OpenAI-compatible LLM adapter, or the built-in
 * extractive answerer. Implementations are thread-safe and are called from many virtual threads at once.
 */
public interface AnswerModel {

    /** The model name answers report when the request leaves the choice to the worker. */
    String name();

    /**
     * Answers, or fails with {@link LlmCallException} when a remote model could not answer; never returns a blank
     * answer.
     */
    ModelAnswer answer(AnswerRequest request);
}
