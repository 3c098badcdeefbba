package io.qaflow.embedder.embedding;

/**
 * What runs the embeddings, for health and {@code /v1/index}.
 *
 * @param engine e.g. {@code OnnxRuntime}
 * @param device {@code cpu} or {@code gpu:<id>}
 * @param executionProvider ONNX Runtime's provider: {@code CPU} or {@code CUDA}
 * @param precision fp32 or int8 weights
 * @param parallelInferences batches run at once
 * @param intraOpThreads threads of one inference
 * @param requestedDevice the {@code qaflow.embedder.device} setting
 */
public record EmbeddingRuntime(String modelId, String engine, String device, String executionProvider,
                               Precision precision, int batchSize, int parallelInferences, int intraOpThreads,
                               DeviceChoice requestedDevice) {}
