package io.qaflow.embedder.embedding;

import java.util.List;

/** A sentence-embedding model: one unit-length vector per text, in the order of the texts. */
public interface EmbeddingModel {

    /**
     * Embeds the texts in one call; implementations batch internally.
     *
     * @throws EmbeddingException when the model cannot embed them
     */
    float[][] embed(List<String> texts);

    int dimensions();

    String modelId();
}
