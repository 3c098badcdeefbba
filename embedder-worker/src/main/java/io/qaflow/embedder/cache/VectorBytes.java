package io.qaflow.embedder.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Embeddings as Redis stores them: little-endian float32, 4 bytes per dimension, nothing else. */
public final class VectorBytes {
    private VectorBytes() {}

    public static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    /** @return the vector, or null when {@code bytes} does not hold exactly {@code dimensions} floats */
    public static float[] decode(byte[] bytes, int dimensions) {
        if (bytes == null || bytes.length != dimensions * Float.BYTES) {
            return null;
        }
        float[] vector = new float[dimensions];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /**
     * The dot product of {@code query} with the encoded vector (the cosine similarity, both being unit length), read
     * in place; NaN when the lengths differ.
     */
    public static double dot(float[] query, byte[] encoded) {
        if (encoded == null || encoded.length != query.length * Float.BYTES) {
            return Double.NaN;
        }
        FloatBuffer other = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        double sum = 0;
        for (int i = 0; i < query.length; i++) {
            sum += query[i] * other.get(i);
        }
        return sum;
    }
}
