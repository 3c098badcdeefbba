package io.qaflow.embedder.questions;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import java.util.List;

/**
 * What one batch of questions produced: progress events, retrieved contexts, terminal failures and the answers served
 * from the semantic cache.
 */
public record RetrievalOutcome(List<RequestProgressed> progress, List<ContextRetrieved> contexts,
                               List<RequestFailed> failures, List<AnswerCompleted> answers) {
    public RetrievalOutcome {
        progress = List.copyOf(progress);
        contexts = List.copyOf(contexts);
        failures = List.copyOf(failures);
        answers = List.copyOf(answers);
    }

    /** Without semantic-cache answers. */
    public RetrievalOutcome(List<RequestProgressed> progress, List<ContextRetrieved> contexts,
                            List<RequestFailed> failures) {
        this(progress, contexts, failures, List.of());
    }
}
