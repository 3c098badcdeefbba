package io.qaflow.embedder;

import io.qaflow.embedder.embedding.EmbeddingException;
import io.qaflow.embedder.embedding.EmbeddingModel;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny bag-of-letters embedding for unit tests of the code around the model: texts sharing words get similar
 * vectors. Any batch containing {@code failOn} fails, as a broken model would.
 */
public final class FakeEmbeddingModel implements EmbeddingModel {
    private final String failOn;
    private final AtomicInteger calls = new AtomicInteger();

    public FakeEmbeddingModel(String failOn) {
        this.failOn = failOn;
    }

    @Override
    public float[][] embed(List<String> texts) {
        calls.incrementAndGet();
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (failOn != null && text.contains(failOn)) {
                throw new EmbeddingException("cannot embed " + failOn, new IllegalStateException());
            }
            float[] v = new float[26];
            for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
                if (c >= 'a' && c <= 'z') {
                    v[c - 'a']++;
                }
            }
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            n = Math.max(Math.sqrt(n), 1e-9);
            for (int d = 0; d < v.length; d++) {
                v[d] /= (float) n;
            }
            out[i] = v;
        }
        return out;
    }

    public int calls() {
        return calls.get();
    }

    @Override
    public int dimensions() {
        return 26;
    }

    @Override
    public String modelId() {
        return "fake-letters";
    }
}
