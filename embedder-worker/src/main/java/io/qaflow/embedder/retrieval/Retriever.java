package io.qaflow.embedder.retrieval;

import io.qaflow.embedder.index.ScoredChunk;
import java.util.List;

/** Finds the chunks that best answer a question, best first. */
public interface Retriever {
    List<ScoredChunk> retrieve(String question, float[] questionVector, int k);
}
