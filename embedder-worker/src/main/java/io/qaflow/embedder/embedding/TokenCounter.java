package io.qaflow.embedder.embedding;

/** Counts the model's word-piece tokens of a text, special tokens excluded. */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);
}
