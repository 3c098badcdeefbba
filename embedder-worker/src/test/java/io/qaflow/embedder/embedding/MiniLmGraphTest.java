package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.testkit.squad.Squad;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The load-time rewrites of the bundled graph, and what int8 weights cost in vector similarity. */
class MiniLmGraphTest {

    @Test
    void attentionIsFusedThePoolerDroppedAndInt8QuantisesEveryLinearLayerWithItsBias() throws IOException {
        byte[] bundled = bundled();
        OnnxGraph original = OnnxGraph.parse(bundled);
        assertThat(original.outputs()).hasSize(2);

        OnnxGraph fp32 = OnnxGraph.parse(MiniLmGraph.optimise(bundled, Precision.FP32));
        assertThat(fp32.outputs()).containsExactly(original.outputs().getFirst());
        Map<String, Long> ops = ops(fp32);
        assertThat(ops).containsEntry("MultiHeadAttention", 6L).doesNotContainKeys("Softmax", "Transpose", "Tanh",
                "DynamicQuantizeMatMul");
        assertThat(ops.get("MatMul")).isEqualTo(36L);
        assertThat(fp32.nodes()).hasSizeLessThan(original.nodes().size() / 2);

        OnnxGraph int8 = OnnxGraph.parse(MiniLmGraph.optimise(bundled, Precision.INT8));
        Map<String, Long> quantised = ops(int8);
        assertThat(quantised).containsEntry("DynamicQuantizeMatMul", 36L).containsEntry("MultiHeadAttention", 6L)
                .doesNotContainKey("MatMul");
        // each bias Add folded into its DynamicQuantizeMatMul: only residual, mask and LayerNorm adds remain
        assertThat(quantised.get("Add")).isEqualTo(ops.get("Add") - 36);
        assertThat(int8.nodes().stream().filter(n -> n.opType().equals("DynamicQuantizeMatMul")))
                .allSatisfy(n -> assertThat(n.inputs()).hasSize(5));
    }

    @Test
    void perColumnInt8WeightsRoundTripWithinHalfAStep() {
        float[] w = {0.5f, -2f, 0.25f, 1f, -0.125f, 0f};
        var q = MiniLmGraph.QuantisedWeight.of(OnnxGraph.Tensor.floats("w", new long[] {3, 2}, w));
        float[] scales = q.scales().toFloats();
        assertThat(scales).containsExactly(0.5f / 127, 2f / 127);
        for (int i = 0; i < w.length; i++) {
            float restored = q.values().raw()[i] * scales[i % 2];
            assertThat(Math.abs(restored - w[i])).isLessThanOrEqualTo(scales[i % 2] / 2 + 1e-7f);
        }
        assertThat(q.zeroPoints().raw()).containsOnly(0);
    }

    @Test
    void int8EmbeddingsStayCloseToFp32OnSquadQuestions() {
        List<String> questions = Squad.all().questions().stream().map(Squad.Question::question).limit(500).toList();
        try (var fp32 = MiniLmOnnxEmbeddingModel.load(MiniLmOnnxEmbeddingModel.Settings.defaults());
             var int8 = MiniLmOnnxEmbeddingModel.load(MiniLmOnnxEmbeddingModel.Settings.defaults()
                     .withPrecision(Precision.INT8))) {
            float[][] a = fp32.embed(questions);
            float[][] b = int8.embed(questions);
            double min = 1;
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double cosine = MiniLmMatchesLangchain4jTest.cosine(a[i], b[i]);
                min = Math.min(min, cosine);
                sum += cosine;
            }
            System.out.printf(Locale.ROOT, "minilm int8-vs-fp32 questions=%d min-cosine=%.4f mean-cosine=%.4f%n",
                    a.length, min, sum / a.length);
            assertThat(min).isGreaterThan(0.97);
            assertThat(sum / a.length).isGreaterThan(0.99);
            assertThat(int8.runtime().precision()).isEqualTo(Precision.INT8);
        }
    }

    private static Map<String, Long> ops(OnnxGraph graph) {
        return graph.nodes().stream().collect(Collectors.groupingBy(OnnxGraph.Node::opType, Collectors.counting()));
    }

    static byte[] bundled() throws IOException {
        try (InputStream in = MiniLmGraphTest.class.getClassLoader()
                .getResourceAsStream(BundledMiniLm.MODEL_RESOURCE)) {
            return in.readAllBytes();
        }
    }

}
