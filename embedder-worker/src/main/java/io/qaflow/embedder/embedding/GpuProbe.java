package io.qaflow.embedder.embedding;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.Optional;

/** Says whether a GPU can run the embedding model here, and if not, why. */
@FunctionalInterface
public interface GpuProbe {

    /** Empty when a GPU is usable; else the reason it is not. */
    Optional<String> whyUnusable();

    /**
     * ONNX Runtime's CUDA execution provider: usable when the ONNX Runtime on the classpath was built with it (the
     * {@code com.microsoft.onnxruntime:onnxruntime_gpu} artifact, Maven profile {@code gpu}) and a CUDA device is
     * visible (DJL's {@link CudaUtils}, which reads the NVIDIA driver).
     */
    static GpuProbe onnxRuntimeCuda() {
        return () -> {
            Engine.getEngine("OnnxRuntime"); // DJL's engine must create the JVM's OrtEnvironment first
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                return Optional.of("the ONNX Runtime on the classpath has no CUDA execution provider (providers: "
                        + OrtEnvironment.getAvailableProviders()
                        + "); build with the Maven profile gpu (-Pgpu) to use com.microsoft.onnxruntime:onnxruntime_gpu");
            }
            int gpus = CudaUtils.getGpuCount();
            if (gpus < 1) {
                return Optional.of("no CUDA device is visible (no NVIDIA driver, or CUDA_VISIBLE_DEVICES hides them)");
            }
            return Optional.empty();
        };
    }
}
