package io.qaflow.embedder.retrieval;

public enum RetrievalMode {
    /** Cosine similarity of MiniLM vectors only. */
    DENSE,
    /** Dense and BM25 rankings fused by reciprocal rank fusion. */
    HYBRID
}
