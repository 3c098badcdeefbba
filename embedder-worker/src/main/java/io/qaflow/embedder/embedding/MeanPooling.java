package io.qaflow.embedder.embedding;

/**
 * Sentence-transformers pooling on plain arrays: the mean of the token vectors under the attention mask, then L2
 * normalisation. (DJL's OnnxRuntime NDArray implements no arithmetic, so this runs on the output's float array.)
 */
final class MeanPooling {
    private MeanPooling() {}

    /**
     * @param hidden the model's last hidden state, row-major {@code [batch][tokens][dims]}
     * @param mask the attention mask per sequence, each {@code tokens} long
     */
    static float[][] poolAndNormalise(float[] hidden, long[][] mask, int tokens, int dims) {
        int batch = mask.length;
        if (hidden.length != (long) batch * tokens * dims) {
            throw new IllegalArgumentException("hidden state has " + hidden.length + " values, expected "
                    + batch + "x" + tokens + "x" + dims);
        }
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            double[] sum = new double[dims];
            long counted = 0;
            for (int t = 0; t < tokens; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                counted++;
                int offset = (b * tokens + t) * dims;
                for (int d = 0; d < dims; d++) {
                    sum[d] += hidden[offset + d];
                }
            }
            out[b] = normalise(sum, Math.max(1, counted));
        }
        return out;
    }

    private static float[] normalise(double[] sum, long count) {
        double norm = 0;
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= count;
            norm += sum[d] * sum[d];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] vector = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            vector[d] = (float) (sum[d] / norm);
        }
        return vector;
    }
}
