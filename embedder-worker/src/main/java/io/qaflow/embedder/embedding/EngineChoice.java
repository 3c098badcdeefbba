package io.qaflow.embedder.embedding;

/** {@code qaflow.embedder.model.engine}: which DJL engine computes the embeddings. */
public enum EngineChoice {
    /** ONNX Runtime on the bundled (rewritten) ONNX graph: the default, fp32 or int8, CPU or CUDA. */
    ONNXRUNTIME,
    /**
     * DJL's PyTorch engine with the bundled weights (fp32): needs the Maven profile {@code pytorch}; CUDA only with a
     * CUDA libtorch the operator provides ({@code PYTORCH_LIBRARY_PATH}).
     */
    PYTORCH
}
