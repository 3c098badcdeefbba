package io.qaflow.embedder.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorBytesTest {

    @Test
    void storesLittleEndianFloat32AndReadsItBackBitForBit() {
        float[] vector = {1.0f, -0.5f, Float.MIN_VALUE, 0.1f};

        byte[] bytes = VectorBytes.encode(vector);

        assertThat(bytes).hasSize(16);
        assertThat(bytes).startsWith(0x00, 0x00, (byte) 0x80, 0x3f); // 1.0f = 0x3f800000, low byte first
        assertThat(VectorBytes.decode(bytes, 4)).isEqualTo(vector);
    }

    @Test
    void rejectsBytesOfAnotherLength() {
        assertThat(VectorBytes.decode(new byte[15], 4)).isNull();
        assertThat(VectorBytes.decode(null, 4)).isNull();
        assertThat(VectorBytes.dot(new float[4], new byte[12])).isNaN();
    }

    @Test
    void theDotProductIsReadInPlace() {
        float[] a = {0.6f, 0.8f, 0f};
        float[] b = {0.8f, 0.6f, 0f};

        assertThat(VectorBytes.dot(a, VectorBytes.encode(b))).isCloseTo(0.96, within(1e-6));
        assertThat(VectorBytes.dot(a, VectorBytes.encode(a))).isCloseTo(1.0, within(1e-6));
    }
}
