package io.qaflow.embedder.embedding;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * all-MiniLM-L6-v2 on DJL's OnnxRuntime engine, fully offline: the ONNX graph and tokenizer come from the langchain4j
 * artifact on the classpath. Texts are tokenised (truncated at {@code maxTokens}, special tokens included), sorted
 * by length so each batch pads little, run in batches, mean-pooled and L2-normalised.
 *
 * <p>Thread-safe: DJL predictors are not, so each {@link #embed} call opens its own (cheap) predictor over the
 * shared, thread-safe ONNX session. {@link #close} waits for the embeddings in progress and refuses later ones, so
 * the native session is never freed under a running inference.
 */
public final class MiniLmOnnxEmbeddingModel implements EmbeddingModel, AutoCloseable {

    /** @param intraOpThreads ONNX Runtime threads per inference; 0 for the number of available processors */
    public record Settings(int batchSize, int maxTokens, int intraOpThreads) {
        public Settings {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1");
            }
            if (maxTokens < 3 || maxTokens > BundledMiniLm.MAX_SEQUENCE_TOKENS) {
                throw new IllegalArgumentException("maxTokens must be in 3.." + BundledMiniLm.MAX_SEQUENCE_TOKENS);
            }
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException("intraOpThreads must be >= 0");
            }
        }

        public static Settings defaults() {
            return new Settings(32, BundledMiniLm.MAX_SEQUENCE_TOKENS, 0);
        }
    }

    private final ZooModel<EncodedBatch, float[][]> model;
    private final HuggingFaceTokenizer tokenizer;
    private final Path workDir;
    private final int batchSize;
    /** Embeddings hold the read lock; close takes the write lock. Fair, so close is not starved by new embeds. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock(true);
    private boolean closed;

    private MiniLmOnnxEmbeddingModel(ZooModel<EncodedBatch, float[][]> model, HuggingFaceTokenizer tokenizer,
                                     Path workDir, int batchSize) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.workDir = workDir;
        this.batchSize = batchSize;
    }

    public static MiniLmOnnxEmbeddingModel load(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        BundledMiniLm.enableDjlOfflineMode();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("qaflow-minilm-");
            BundledMiniLm.extract(BundledMiniLm.MODEL_RESOURCE, dir);
            Path tokenizerFile = BundledMiniLm.extract(BundledMiniLm.TOKENIZER_RESOURCE, dir);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerFile)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(settings.maxTokens())
                    .optPadding(false)
                    .build();
            int threads = settings.intraOpThreads() == 0
                    ? Runtime.getRuntime().availableProcessors() : settings.intraOpThreads();
            Criteria<EncodedBatch, float[][]> criteria = Criteria.builder()
                    .setTypes(EncodedBatch.class, float[][].class)
                    .optEngine("OnnxRuntime")
                    .optModelPath(dir)
                    .optModelName(BundledMiniLm.MODEL_ID)
                    .optTranslator(new MiniLmTranslator(BundledMiniLm.DIMENSIONS))
                    .optOption("intraOpNumThreads", String.valueOf(threads))
                    .optOption("interOpNumThreads", "1")
                    .build();
            return new MiniLmOnnxEmbeddingModel(criteria.loadModel(), tokenizer, dir, settings.batchSize());
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot load " + BundledMiniLm.MODEL_ID, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            deleteQuietly(dir);
            throw new IllegalStateException("cannot load " + BundledMiniLm.MODEL_ID + " on OnnxRuntime", e);
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
        Encoding[] encodings = tokenizer.batchEncode(texts);
        Integer[] byLength = IntStream.range(0, encodings.length).boxed()
                .sorted(Comparator.comparingInt(i -> encodings[i].getIds().length))
                .toArray(Integer[]::new);
        float[][] vectors = new float[encodings.length][];
        try (Predictor<EncodedBatch, float[][]> predictor = model.newPredictor()) {
            for (int start = 0; start < byLength.length; start += batchSize) {
                List<Integer> indices = Arrays.asList(byLength).subList(start,
                        Math.min(start + batchSize, byLength.length));
                List<Encoding> batch = new ArrayList<>(indices.size());
                indices.forEach(i -> batch.add(encodings[i]));
                float[][] embedded = predictor.predict(EncodedBatch.of(batch));
                for (int j = 0; j < indices.size(); j++) {
                    vectors[indices.get(j)] = embedded[j];
                }
            }
        } catch (TranslateException | RuntimeException e) {
            throw new EmbeddingException("embedding " + texts.size() + " texts failed: " + e.getMessage(), e);
        }
        return vectors;
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
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
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
