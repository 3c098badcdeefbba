package io.qaflow.embedder.questions;

import io.qaflow.embedder.cache.SemanticCache;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.cache.CachedAnswer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A semantic cache whose decisions per request id are set by the test; it records what it was told. */
final class ScriptedSemanticCache implements SemanticCache {
    static final CachedAnswer ANSWER = new CachedAnswer("Who won Super Bowl 50?", "The Denver Broncos.",
            List.of(new SourceChunk("broncos", "broncos#0", "SB", 0.9, "Denver Broncos won")), "gpt-test",
            new TokenUsage(100, 5, false), 0.002, "v-cached", "1.0.0", Instant.parse("2026-01-01T00:00:00Z"), "r0");

    private final Map<String, Object> script = new HashMap<>();
    final List<String> lookedUpUnder = new ArrayList<>();
    final List<String> remembered = new ArrayList<>();

    ScriptedSemanticCache serve(String requestId) {
        script.put(requestId, new Decision.Serve("who won super bowl 50", 0.97, ANSWER, "v-cached"));
        return this;
    }

    ScriptedSemanticCache verify(String requestId) {
        script.put(requestId, new Decision.Verify("who won super bowl 50", 0.97));
        return this;
    }

    ScriptedSemanticCache breakOn(String requestId) {
        script.put(requestId, new IllegalStateException("semantic cache broken"));
        return this;
    }

    @Override
    public Decision lookup(QuestionAsked question, float[] vector, String corpusVersion) {
        lookedUpUnder.add(question.requestId() + "@" + corpusVersion);
        Object scripted = script.getOrDefault(question.requestId(), Decision.MISS);
        if (scripted instanceof RuntimeException e) {
            throw e;
        }
        return (Decision) scripted;
    }

    @Override
    public void remember(QuestionAsked question, float[] vector, String corpusVersion) {
        remembered.add(question.requestId() + "@" + corpusVersion);
    }
}
