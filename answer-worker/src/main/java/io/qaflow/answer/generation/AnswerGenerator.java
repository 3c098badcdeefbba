package io.qaflow.answer.generation;

import io.qaflow.answer.model.AnswerRequest;
import java.time.Instant;

/** Produces the answer to one request before its deadline, falling back to a degraded answer where it must. */
public interface AnswerGenerator {

    /** @throws InterruptedException when the worker stops meanwhile; nothing should then be published */
    GeneratedAnswer generate(AnswerRequest request, Instant deadline) throws InterruptedException;
}
