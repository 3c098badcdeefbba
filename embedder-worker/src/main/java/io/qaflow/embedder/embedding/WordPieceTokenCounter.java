package io.qaflow.embedder.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counts MiniLM word-piece tokens with the bundled tokenizer, untruncated. Thread-safe. */
public final class WordPieceTokenCounter implements TokenCounter, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private WordPieceTokenCounter(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static WordPieceTokenCounter load() {
        BundledMiniLm.enableDjlOfflineMode();
        try {
            Path dir = Files.createTempDirectory("qaflow-tokenizer-");
            Path file = BundledMiniLm.extract(BundledMiniLm.TOKENIZER_RESOURCE, dir);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
            return new WordPieceTokenCounter(tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the MiniLM tokenizer", e);
        }
    }

    @Override
    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return tokenizer.encode(text, false, false).getIds().length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
