package io.qaflow.embedder.embedding;

/** An embedding model loaded in this process on some engine and device; closing it frees the native memory. */
public interface LoadedEmbeddingModel extends EmbeddingModel, AutoCloseable {

    /** Engine, device, precision and threads in use. */
    EmbeddingRuntime runtime();

    /** How many batches it runs at once: the useful number of concurrent calls. */
    default int parallelInferences() {
        return runtime().parallelInferences();
    }

    @Override
    void close();
}
