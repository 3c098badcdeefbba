package io.qaflow.embedder;

import io.qaflow.embedder.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Passes every call on to a real model and remembers the texts of each call, to see what a cache saved. */
public final class CountingEmbeddingModel implements EmbeddingModel {
    private final EmbeddingModel model;
    private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

    public CountingEmbeddingModel(EmbeddingModel model) {
        this.model = model;
    }

    @Override
    public float[][] embed(List<String> texts) {
        calls.add(List.copyOf(texts));
        return model.embed(texts);
    }

    /** The texts of every call so far, in order. */
    public List<List<String>> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }
}
