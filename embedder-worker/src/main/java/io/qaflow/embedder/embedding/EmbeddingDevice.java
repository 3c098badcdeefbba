package io.qaflow.embedder.embedding;

/** The device a model runs on: the CPU, or the CUDA GPU with this ordinal. */
public record EmbeddingDevice(boolean gpu, int id) {
    public static final EmbeddingDevice CPU = new EmbeddingDevice(false, 0);

    public EmbeddingDevice {
        if (id < 0) {
            throw new IllegalArgumentException("device id must be >= 0");
        }
    }

    public static EmbeddingDevice gpu(int id) {
        return new EmbeddingDevice(true, id);
    }

    /** {@code cpu} or {@code gpu:<id>}, as health and {@code /v1/index} show it. */
    @Override
    public String toString() {
        return gpu ? "gpu:" + id : "cpu";
    }
}
