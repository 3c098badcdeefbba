package io.qaflow.embedder.embedding;

/** The model failed to embed a batch of texts. */
public class EmbeddingException extends RuntimeException {
    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
