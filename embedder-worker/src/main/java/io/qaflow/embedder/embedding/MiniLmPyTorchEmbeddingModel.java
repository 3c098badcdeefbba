package io.qaflow.embedder.embedding;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * all-MiniLM-L6-v2 computed with DJL's PyTorch engine (CPU, or CUDA where the operator provides a CUDA libtorch), its
 * weights read from the same bundled ONNX file as {@link MiniLmOnnxEmbeddingModel}: named initializers for
 * embeddings, biases and LayerNorms, and the anonymous {@code onnx::MatMul_*} weights found through the graph by the
 * node that uses them ({@code /encoder/layer.N/attention/self/query/MatMul} …). The forward pass is BERT's, written
 * with DJL NDArray operations; embeddings match the ONNX path (cosine ≥ 0.9999, {@code MiniLmPyTorchMatchesOnnxTest}).
 *
 * <p>Needs {@code ai.djl.pytorch:pytorch-engine}, {@code pytorch-jni} and {@code pytorch-native-cpu} (Maven profile
 * {@code pytorch}; the tests and the benchmark always have them), offline: nothing is downloaded. Thread-safe.
 */
public final class MiniLmPyTorchEmbeddingModel implements LoadedEmbeddingModel {
    public static final String ENGINE = "PyTorch";
    private static final int LAYERS = 6;
    private static final int HIDDEN = BundledMiniLm.DIMENSIONS;
    private static final int HEAD = HIDDEN / MiniLmGraph.HEADS;

    private record Layer(NDArray query, NDArray queryBias, NDArray key, NDArray keyBias, NDArray value,
                         NDArray valueBias, NDArray attentionOut, NDArray attentionOutBias, NDArray norm1,
                         NDArray norm1Bias, NDArray intermediate, NDArray intermediateBias, NDArray output,
                         NDArray outputBias, NDArray norm2, NDArray norm2Bias) {}

    private final NDManager weights;
    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray tokenTypeEmbeddings;
    private final NDArray embeddingNorm;
    private final NDArray embeddingNormBias;
    private final List<Layer> layers;
    private final float epsilon;
    private final HuggingFaceTokenizer tokenizer;
    private final int batchSize;
    private final EmbeddingRuntime runtime;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock(true);
    private boolean closed;

    private MiniLmPyTorchEmbeddingModel(OnnxGraph graph, NDManager weights, HuggingFaceTokenizer tokenizer,
                                        int batchSize, EmbeddingRuntime runtime) {
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.runtime = runtime;
        wordEmbeddings = tensor(graph, "embeddings.word_embeddings.weight");
        positionEmbeddings = tensor(graph, "embeddings.position_embeddings.weight");
        tokenTypeEmbeddings = tensor(graph, "embeddings.token_type_embeddings.weight");
        embeddingNorm = tensor(graph, "embeddings.LayerNorm.weight");
        embeddingNormBias = tensor(graph, "embeddings.LayerNorm.bias");
        epsilon = graph.constantScalar("/embeddings/LayerNorm/Constant_1_output_0");
        layers = new ArrayList<>(LAYERS);
        for (int i = 0; i < LAYERS; i++) {
            String p = "encoder.layer." + i + ".";
            String n = "/encoder/layer." + i + "/";
            layers.add(new Layer(
                    matMulWeight(graph, n + "attention/self/query/MatMul"), tensor(graph, p + "attention.self.query.bias"),
                    matMulWeight(graph, n + "attention/self/key/MatMul"), tensor(graph, p + "attention.self.key.bias"),
                    matMulWeight(graph, n + "attention/self/value/MatMul"), tensor(graph, p + "attention.self.value.bias"),
                    matMulWeight(graph, n + "attention/output/dense/MatMul"),
                    tensor(graph, p + "attention.output.dense.bias"),
                    tensor(graph, p + "attention.output.LayerNorm.weight"),
                    tensor(graph, p + "attention.output.LayerNorm.bias"),
                    matMulWeight(graph, n + "intermediate/dense/MatMul"), tensor(graph, p + "intermediate.dense.bias"),
                    matMulWeight(graph, n + "output/dense/MatMul"), tensor(graph, p + "output.dense.bias"),
                    tensor(graph, p + "output.LayerNorm.weight"), tensor(graph, p + "output.LayerNorm.bias")));
        }
    }

    /**
     * Loads the weights onto {@code device} ({@link EmbeddingDevice#CPU} or a CUDA GPU).
     *
     * @param threads PyTorch's intra-op threads; 0 for its default (one per core)
     */
    public static MiniLmPyTorchEmbeddingModel load(int batchSize, int maxTokens, int threads,
                                                   EmbeddingDevice device) {
        return load(batchSize, maxTokens, threads, device, device.gpu() ? DeviceChoice.GPU : DeviceChoice.CPU);
    }

    static MiniLmPyTorchEmbeddingModel load(int batchSize, int maxTokens, int threads, EmbeddingDevice device,
                                            DeviceChoice requested) {
        Objects.requireNonNull(device, "device");
        BundledMiniLm.enableDjlOfflineMode();
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine engine = engine();
        Device djlDevice = device.gpu() ? Device.gpu(device.id()) : Device.cpu();
        if (device.gpu() && engine.getGpuCount() <= device.id()) {
            throw new IllegalStateException("PyTorch sees " + engine.getGpuCount() + " GPU(s); " + device
                    + " is not usable (the bundled libtorch is CPU-only; point PYTORCH_LIBRARY_PATH at a CUDA one)");
        }
        NDManager manager = engine.newBaseManager(djlDevice);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("qaflow-minilm-pt-");
            Path tokenizerFile = BundledMiniLm.extract(BundledMiniLm.TOKENIZER_RESOURCE, dir);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerFile)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxTokens)
                    .optPadding(false)
                    .build();
            OnnxGraph graph = OnnxGraph.parse(bundledGraph());
            var runtime = new EmbeddingRuntime(BundledMiniLm.MODEL_ID, ENGINE, device.toString(),
                    device.gpu() ? "CUDA" : "CPU", Precision.FP32, batchSize, 1, threads, requested);
            return new MiniLmPyTorchEmbeddingModel(graph, manager, tokenizer, batchSize, runtime);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("cannot load " + BundledMiniLm.MODEL_ID + " on PyTorch", e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            deleteQuietly(dir);
        }
    }

    static Engine engine() {
        BundledMiniLm.enableDjlOfflineMode();
        try {
            return Engine.getEngine(ENGINE);
        } catch (IllegalArgumentException | EngineException e) {
            throw new IllegalStateException("DJL's PyTorch engine is not usable: " + e.getMessage()
                    + " (it needs ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu on the classpath:"
                    + " build with -Ppytorch)", e);
        }
    }

    private NDArray tensor(OnnxGraph graph, String name) {
        OnnxGraph.Tensor t = graph.initializer(name);
        if (t == null) {
            throw new IllegalStateException("the bundled MiniLM graph has no initializer " + name);
        }
        return weights.create(t.toFloats(), new Shape(t.dims()));
    }

    /** The weight a MatMul node multiplies by: its second input, often an anonymous {@code onnx::MatMul_*}. */
    private NDArray matMulWeight(OnnxGraph graph, String node) {
        return tensor(graph, graph.node(node).input(1));
    }

    @Override
    public float[][] embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        texts.forEach(t -> Objects.requireNonNull(t, "texts must not contain null"));
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new EmbeddingException("the embedding model is closed", new IllegalStateException("closed"));
            }
            Encoding[] encodings = tokenizer.batchEncode(texts);
            int[] lengths = new int[encodings.length];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = encodings[i].getIds().length;
            }
            float[][] vectors = new float[encodings.length][];
            for (int[] batch : LengthBuckets.of(lengths, batchSize)) {
                List<Encoding> picked = new ArrayList<>(batch.length);
                for (int i : batch) {
                    picked.add(encodings[i]);
                }
                float[][] embedded = forward(EncodedBatch.of(picked));
                for (int j = 0; j < batch.length; j++) {
                    vectors[batch[j]] = embedded[j];
                }
            }
            return vectors;
        } catch (RuntimeException e) {
            throw new EmbeddingException("embedding " + texts.size() + " texts failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private float[][] forward(EncodedBatch batch) {
        try (NDManager m = weights.newSubManager()) {
            int size = batch.size();
            int tokens = batch.tokens();
            Shape shape = new Shape(size, tokens);
            NDArray ids = m.create(flatten(batch.inputIds()), shape);
            NDArray types = m.create(flatten(batch.tokenTypeIds()), shape);
            NDArray mask = m.create(flatten(batch.attentionMask()), shape).toType(DataType.FLOAT32, false);
            NDArray positions = m.arange(0, tokens, 1, DataType.INT64);

            NDArray x = wordEmbeddings.get(ids.flatten()).reshape(size, tokens, HIDDEN)
                    .add(tokenTypeEmbeddings.get(types.flatten()).reshape(size, tokens, HIDDEN))
                    .add(positionEmbeddings.get(positions).expandDims(0));
            x = norm(x, embeddingNorm, embeddingNormBias);
            // additive mask: 0 where attended, a very large negative number on padding, broadcast over heads and rows
            NDArray additive = mask.neg().add(1).mul(-3.4028235e38f).reshape(size, 1, 1, tokens);
            for (Layer l : layers) {
                NDArray q = heads(x.matMul(l.query()).add(l.queryBias()), size, tokens);
                NDArray k = heads(x.matMul(l.key()).add(l.keyBias()), size, tokens);
                NDArray v = heads(x.matMul(l.value()).add(l.valueBias()), size, tokens);
                NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(HEAD)).add(additive);
                NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(size, tokens, HIDDEN);
                NDArray attended = context.matMul(l.attentionOut()).add(l.attentionOutBias());
                x = norm(attended.add(x), l.norm1(), l.norm1Bias());
                NDArray hidden = Activation.gelu(x.matMul(l.intermediate()).add(l.intermediateBias()));
                x = norm(hidden.matMul(l.output()).add(l.outputBias()).add(x), l.norm2(), l.norm2Bias());
            }
            NDArray summed = x.mul(mask.expandDims(2)).sum(new int[] {1});
            NDArray mean = summed.div(mask.sum(new int[] {1}, true).maximum(1f));
            NDArray unit = mean.div(mean.norm(new int[] {1}, true).maximum(1e-12f));
            float[] flat = unit.toFloatArray();
            float[][] out = new float[size][HIDDEN];
            for (int i = 0; i < size; i++) {
                System.arraycopy(flat, i * HIDDEN, out[i], 0, HIDDEN);
            }
            return out;
        }
    }

    private NDArray norm(NDArray x, NDArray gamma, NDArray beta) {
        return LayerNorm.layerNorm(x, new Shape(HIDDEN), gamma, beta, epsilon).singletonOrThrow();
    }

    private static NDArray heads(NDArray x, int size, int tokens) {
        return x.reshape(size, tokens, MiniLmGraph.HEADS, HEAD).transpose(0, 2, 1, 3);
    }

    private static long[] flatten(long[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    @Override
    public int dimensions() {
        return HIDDEN;
    }

    @Override
    public String modelId() {
        return BundledMiniLm.MODEL_ID;
    }

    @Override
    public EmbeddingRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                weights.close();
                tokenizer.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static byte[] bundledGraph() throws IOException {
        try (InputStream in = BundledMiniLm.class.getClassLoader().getResourceAsStream(BundledMiniLm.MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + BundledMiniLm.MODEL_RESOURCE + " is missing");
            }
            return in.readAllBytes();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // harmless leftover
        }
    }
}
