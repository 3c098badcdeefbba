package io.qaflow.embedder.embedding;

/** Numeric precision of the model's weights. */
public enum Precision {
    /** The bundled weights as they are: embeddings equal langchain4j's. */
    FP32,
    /**
     * Weights of every linear layer quantised to int8 at load time (activations per call): about twice the CPU
     * throughput, recall@5 on the SQuAD dev set within 0.005 of fp32, embeddings no longer bit-equal to fp32.
     */
    INT8
}
