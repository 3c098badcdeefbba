package io.qaflow.embedder.embedding;

import java.util.Objects;
import java.util.Optional;

/** Loads all-MiniLM-L6-v2 on the engine and device the settings ask for. */
public final class EmbeddingModels {
    private EmbeddingModels() {}

    /**
     * @param onnx batch size, truncation, threads and precision; its device is ignored ({@code device} decides)
     * @throws IllegalStateException when {@code device} is {@code gpu} and no GPU is usable, or the engine is missing
     */
    public static LoadedEmbeddingModel load(EngineChoice engine, DeviceChoice device,
                                            MiniLmOnnxEmbeddingModel.Settings onnx) {
        Objects.requireNonNull(engine, "engine");
        return switch (engine) {
            case ONNXRUNTIME -> MiniLmOnnxEmbeddingModel.load(onnx, device, GpuProbe.onnxRuntimeCuda());
            case PYTORCH -> {
                if (onnx.precision() != Precision.FP32) {
                    throw new IllegalStateException("the PyTorch engine runs MiniLM in fp32 only; "
                            + "set qaflow.embedder.model.precision=fp32 or use the onnxruntime engine for int8");
                }
                EmbeddingDevice selected = DeviceSelection.select(device, pyTorchCuda());
                yield MiniLmPyTorchEmbeddingModel.load(pyTorchBatch(onnx.batchSize(), selected), onnx.maxTokens(), onnx.threads(), selected,
                        device);
            }
        };
    }

    /** PyTorch parallelises inside one inference, so it wants larger batches than ONNX Runtime's single threads. */
    static int pyTorchBatch(int configured, EmbeddingDevice device) {
        return configured > 0 ? configured : device.gpu() ? 128 : 32;
    }

    /** A CUDA device PyTorch can use: only with a CUDA libtorch (the bundled one is CPU-only). */
    static GpuProbe pyTorchCuda() {
        return () -> MiniLmPyTorchEmbeddingModel.engine().getGpuCount() > 0 ? Optional.empty()
                : Optional.of("PyTorch sees no CUDA device (the bundled libtorch is CPU-only; "
                        + "point PYTORCH_LIBRARY_PATH at a CUDA libtorch 2.7.1)");
    }
}
