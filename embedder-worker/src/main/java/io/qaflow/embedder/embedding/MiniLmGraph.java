package io.qaflow.embedder.embedding;

import io.qaflow.embedder.embedding.OnnxGraph.Node;
import io.qaflow.embedder.embedding.OnnxGraph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load-time rewrites of the bundled all-MiniLM-L6-v2 ONNX graph (a plain PyTorch 1.13 export that ONNX Runtime's own
 * fusions leave mostly as it is). Each rewrite keeps the maths, so the fp32 result equals the original's within
 * float noise ({@code MiniLmMatchesLangchain4jTest}):
 * <ul>
 *   <li>only the last hidden state is kept as an output; the unused pooler ({@code Gather → Gemm → Tanh}) goes;</li>
 *   <li>each layer's self-attention (reshape, transposes, {@code QKᵀ}, scale, additive mask, softmax, {@code ·V},
 *       transpose, reshape: 20-odd small nodes) becomes one {@code com.microsoft:MultiHeadAttention} over the
 *       projected Q, K and V with the attention mask as key-padding mask;</li>
 *   <li>{@link Precision#INT8} only: every {@code MatMul} by a constant weight becomes
 *       {@code com.microsoft:DynamicQuantizeMatMul} with the weight quantised to int8 per output column
 *       (symmetric, scale = max|w|/127) and the following bias {@code Add} folded in; activations are quantised
 *       per call by ONNX Runtime (uint8, per tensor). Embeddings then differ slightly from fp32 (cosine ≈ 0.99).</li>
 * </ul>
 */
final class MiniLmGraph {
    private static final Logger log = LoggerFactory.getLogger(MiniLmGraph.class);
    /** all-MiniLM-L6-v2: 384 hidden = 12 heads of 32. */
    static final int HEADS = 12;
    private static final String MASK_INT32 = "qaflow/attention_mask_int32";

    private MiniLmGraph() {}

    static byte[] optimise(byte[] onnx, Precision precision) {
        OnnxGraph graph = OnnxGraph.parse(onnx);
        graph.keepOnlyOutputs(Set.of(graph.outputs().getFirst()));
        int fused = fuseAttention(graph);
        int quantised = precision == Precision.INT8 ? quantiseMatMuls(graph) : 0;
        log.debug("MiniLM graph: {} attention blocks fused, {} MatMuls quantised to int8, {} nodes", fused,
                quantised, graph.nodes().size());
        return graph.toByteArray();
    }

    /** Replaces each layer's attention core by one MultiHeadAttention node; returns how many were fused. */
    static int fuseAttention(OnnxGraph graph) {
        List<Node> softmaxes = graph.nodes().stream()
                .filter(n -> n.opType().equals("Softmax") && n.name().endsWith("/attention/self/Softmax")).toList();
        if (softmaxes.isEmpty()) {
            return 0;
        }
        List<Node[]> blocks = new ArrayList<>();
        for (Node softmax : softmaxes) {
            String self = softmax.name().substring(0, softmax.name().length() - "Softmax".length());
            Node[] block = new Node[4];
            try {
                block[0] = graph.node(self + "query/Add");
                block[1] = graph.node(self + "key/Add");
                block[2] = graph.node(self + "value/Add");
                block[3] = graph.node(self + "Reshape_3");
            } catch (IllegalArgumentException notThisExport) {
                log.info("MiniLM attention not fused: {}", notThisExport.getMessage());
                return 0;
            }
            blocks.add(block);
        }
        Node first = graph.nodes().getFirst();
        graph.addNodeBefore(first, Node.of("qaflow/attention_mask/Cast", "Cast", "", List.of("attention_mask"),
                List.of(MASK_INT32), List.of(OnnxGraph.intAttribute("to", 6))));
        for (Node[] block : blocks) {
            Node context = block[3];
            Node attention = Node.of(context.name().replace("Reshape_3", "MultiHeadAttention"),
                    "MultiHeadAttention", OnnxGraph.MICROSOFT,
                    List.of(block[0].outputs().getFirst(), block[1].outputs().getFirst(),
                            block[2].outputs().getFirst(), "", MASK_INT32),
                    context.outputs(), List.of(OnnxGraph.intAttribute("num_heads", HEADS)));
            graph.replaceNode(context, attention);
        }
        graph.importOpset(OnnxGraph.MICROSOFT, 1);
        graph.prune();
        return blocks.size();
    }

    /** MatMul by a constant 2-D weight → DynamicQuantizeMatMul with an int8 weight and the bias folded in. */
    static int quantiseMatMuls(OnnxGraph graph) {
        int count = 0;
        for (Node matMul : List.copyOf(graph.nodes())) {
            Tensor weight = matMul.opType().equals("MatMul") ? graph.initializer(matMul.input(1)) : null;
            if (weight == null || weight.dataType() != OnnxGraph.FLOAT || weight.dims().length != 2) {
                continue;
            }
            QuantisedWeight q = QuantisedWeight.of(weight);
            graph.putInitializer(q.values());
            graph.putInitializer(q.scales());
            graph.putInitializer(q.zeroPoints());
            List<String> inputs = new ArrayList<>(List.of(matMul.input(0), q.values().name(), q.scales().name(),
                    q.zeroPoints().name()));
            Node replacement = matMul.withInputs(inputs).as("DynamicQuantizeMatMul", OnnxGraph.MICROSOFT);
            Node biasAdd = biasAddAfter(graph, matMul);
            if (biasAdd != null) {
                inputs.add(biasInput(graph, biasAdd, matMul));
                replacement = replacement.withInputs(inputs).withOutputs(biasAdd.outputs());
                graph.removeNode(biasAdd);
            }
            graph.replaceNode(matMul, replacement);
            count++;
        }
        graph.importOpset(OnnxGraph.MICROSOFT, 1);
        graph.prune();
        return count;
    }

    /** The Add that only adds a 1-D constant to this MatMul's output (its only reader), or null. */
    private static Node biasAddAfter(OnnxGraph graph, Node matMul) {
        String out = matMul.outputs().getFirst();
        Map<String, Integer> consumers = graph.consumerCounts();
        if (consumers.getOrDefault(out, 0) != 1) {
            return null;
        }
        for (Node n : graph.nodes()) {
            if (n.opType().equals("Add") && n.inputs().contains(out) && n.inputs().size() == 2) {
                return biasInput(graph, n, matMul) != null ? n : null;
            }
        }
        return null;
    }

    private static String biasInput(OnnxGraph graph, Node add, Node matMul) {
        String other = add.input(0).equals(matMul.outputs().getFirst()) ? add.input(1) : add.input(0);
        Tensor bias = graph.initializer(other);
        return bias != null && bias.dataType() == OnnxGraph.FLOAT && bias.dims().length == 1 ? other : null;
    }

    /** A [K, N] weight as int8 values with one scale per output column N and zero points 0. */
    record QuantisedWeight(Tensor values, Tensor scales, Tensor zeroPoints) {
        static QuantisedWeight of(Tensor weight) {
            int rows = (int) weight.dims()[0];
            int columns = (int) weight.dims()[1];
            float[] w = weight.toFloats();
            float[] scale = new float[columns];
            for (int k = 0; k < rows; k++) {
                for (int n = 0; n < columns; n++) {
                    scale[n] = Math.max(scale[n], Math.abs(w[k * columns + n]));
                }
            }
            for (int n = 0; n < columns; n++) {
                scale[n] = scale[n] == 0 ? 1f : scale[n] / 127f;
            }
            byte[] q = new byte[rows * columns];
            for (int k = 0; k < rows; k++) {
                for (int n = 0; n < columns; n++) {
                    q[k * columns + n] = (byte) Math.clamp(Math.round(w[k * columns + n] / scale[n]), -127, 127);
                }
            }
            String name = weight.name();
            return new QuantisedWeight(new Tensor(name + "/int8", OnnxGraph.INT8, weight.dims(), q),
                    Tensor.floats(name + "/scale", new long[] {columns}, scale),
                    new Tensor(name + "/zero_point", OnnxGraph.INT8, new long[] {columns}, new byte[columns]));
        }
    }
}
