package io.qaflow.embedder.embedding;

/** {@code qaflow.embedder.device}: where the embedding model should run. */
public enum DeviceChoice {
    /** A GPU when one is usable (see {@link GpuProbe}), else the CPU. */
    AUTO,
    CPU,
    /** A GPU, or the embedder does not start. */
    GPU
}
