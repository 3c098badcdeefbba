package io.qaflow.embedder.questions;

import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import java.util.List;

/** What one batch of questions produced: progress events, retrieved contexts and terminal failures. */
public record RetrievalOutcome(List<RequestProgressed> progress, List<ContextRetrieved> contexts,
                               List<RequestFailed> failures) {
    public RetrievalOutcome {
        progress = List.copyOf(progress);
        contexts = List.copyOf(contexts);
        failures = List.copyOf(failures);
    }
}
