package io.qaflow.embedder.embedding;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An editable view of an ONNX {@code ModelProto}: its nodes, initializers and outputs, read and written with
 * protobuf-java's schema-less {@link UnknownFieldSet} by the field numbers of {@code onnx.proto} (every field this
 * class does not touch — attributes, value infos, metadata — passes through byte for byte). Enough to rewrite the
 * bundled MiniLM graph at load time (see {@link MiniLmGraph}); not a general ONNX library.
 */
final class OnnxGraph {
    // onnx.proto field numbers
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    private static final int VALUE_INFO_NAME = 1;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;

    static final int FLOAT = 1;
    static final int INT8 = 3;
    static final String MICROSOFT = "com.microsoft";

    /** A node; {@code attributes} are serialised {@code AttributeProto}s, {@code rest} every other field as read. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                List<ByteString> attributes, UnknownFieldSet rest) {
        Node {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            attributes = List.copyOf(attributes);
        }

        static Node of(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<ByteString> attributes) {
            return new Node(name, opType, domain, inputs, outputs, attributes, UnknownFieldSet.getDefaultInstance());
        }

        Node withInputs(List<String> newInputs) {
            return new Node(name, opType, domain, newInputs, outputs, attributes, rest);
        }

        Node withOutputs(List<String> newOutputs) {
            return new Node(name, opType, domain, inputs, newOutputs, attributes, rest);
        }

        Node as(String newOpType, String newDomain) {
            return new Node(name, newOpType, newDomain, inputs, outputs, attributes, rest);
        }

        String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }
    }

    /** A dense tensor: little-endian raw bytes of {@code dataType} with {@code dims}. */
    record Tensor(String name, int dataType, long[] dims, byte[] raw) {
        static Tensor floats(String name, long[] dims, float[] values) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            return new Tensor(name, FLOAT, dims, bytes.array());
        }

        float[] toFloats() {
            if (dataType != FLOAT) {
                throw new IllegalStateException(name + " is not a float tensor (data type " + dataType + ")");
            }
            float[] values = new float[raw.length / Float.BYTES];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
    }

    private final UnknownFieldSet model;
    private final UnknownFieldSet graph;
    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;
    private final List<String> outputs;
    private final Set<String> opsetDomains = new HashSet<>();
    private final List<ByteString> extraOpsets = new ArrayList<>();

    private OnnxGraph(UnknownFieldSet model, UnknownFieldSet graph, List<Node> nodes,
                      Map<String, Tensor> initializers, List<String> outputs) {
        this.model = model;
        this.graph = graph;
        this.nodes = nodes;
        this.initializers = initializers;
        this.outputs = outputs;
    }

    static OnnxGraph parse(byte[] onnx) {
        try {
            UnknownFieldSet model = UnknownFieldSet.parseFrom(onnx);
            UnknownFieldSet graph = UnknownFieldSet.parseFrom(single(model, MODEL_GRAPH));
            List<Node> nodes = new ArrayList<>();
            for (ByteString bytes : graph.getField(GRAPH_NODE).getLengthDelimitedList()) {
                nodes.add(node(UnknownFieldSet.parseFrom(bytes)));
            }
            Map<String, Tensor> initializers = new LinkedHashMap<>();
            for (ByteString bytes : graph.getField(GRAPH_INITIALIZER).getLengthDelimitedList()) {
                Tensor t = tensor(UnknownFieldSet.parseFrom(bytes));
                initializers.put(t.name(), t);
            }
            List<String> outputs = new ArrayList<>();
            for (ByteString bytes : graph.getField(GRAPH_OUTPUT).getLengthDelimitedList()) {
                outputs.add(string(UnknownFieldSet.parseFrom(bytes), VALUE_INFO_NAME));
            }
            OnnxGraph parsed = new OnnxGraph(model, graph, nodes, initializers, outputs);
            for (ByteString opset : model.getField(MODEL_OPSET_IMPORT).getLengthDelimitedList()) {
                parsed.opsetDomains.add(string(UnknownFieldSet.parseFrom(opset), 1));
            }
            return parsed;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    List<Node> nodes() {
        return nodes;
    }

    List<String> outputs() {
        return List.copyOf(outputs);
    }

    Tensor initializer(String name) {
        return initializers.get(name);
    }

    void putInitializer(Tensor tensor) {
        initializers.put(tensor.name(), tensor);
    }

    /** The node that produces {@code value}, or null for graph inputs and initializers. */
    Node producer(String value) {
        for (Node n : nodes) {
            if (n.outputs().contains(value)) {
                return n;
            }
        }
        return null;
    }

    Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named " + name));
    }

    /** How many node inputs and graph outputs read {@code value}. */
    Map<String, Integer> consumerCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                counts.merge(in, 1, Integer::sum);
            }
        }
        outputs.forEach(o -> counts.merge(o, 1, Integer::sum));
        return counts;
    }

    /** Declares an operator-set domain (once). */
    void importOpset(String domain, long version) {
        if (opsetDomains.add(domain)) {
            extraOpsets.add(UnknownFieldSet.newBuilder()
                    .addField(1, strings(domain))
                    .addField(2, UnknownFieldSet.Field.newBuilder().addVarint(version).build())
                    .build().toByteString());
        }
    }

    /** Keeps only the named graph outputs, then drops every node and initializer that no longer feeds them. */
    void keepOnlyOutputs(Set<String> keep) {
        if (!outputs.containsAll(keep)) {
            throw new IllegalArgumentException("unknown outputs in " + keep + "; the graph has " + outputs);
        }
        outputs.retainAll(keep);
        prune();
    }

    /** Removes nodes whose outputs nobody reads, repeatedly, and initializers nobody reads. */
    void prune() {
        boolean changed = true;
        while (changed) {
            Map<String, Integer> consumers = consumerCounts();
            changed = nodes.removeIf(n -> n.outputs().stream().noneMatch(o -> consumers.containsKey(o)));
        }
        Map<String, Integer> consumers = consumerCounts();
        initializers.keySet().removeIf(name -> !consumers.containsKey(name));
    }

    byte[] toByteArray() {
        UnknownFieldSet.Field.Builder nodeField = UnknownFieldSet.Field.newBuilder();
        nodes.forEach(n -> nodeField.addLengthDelimited(serialise(n)));
        UnknownFieldSet.Field.Builder initField = UnknownFieldSet.Field.newBuilder();
        initializers.values().forEach(t -> initField.addLengthDelimited(serialise(t)));
        UnknownFieldSet.Field.Builder outputField = UnknownFieldSet.Field.newBuilder();
        for (ByteString bytes : graph.getField(GRAPH_OUTPUT).getLengthDelimitedList()) {
            try {
                if (outputs.contains(string(UnknownFieldSet.parseFrom(bytes), VALUE_INFO_NAME))) {
                    outputField.addLengthDelimited(bytes);
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        UnknownFieldSet newGraph = UnknownFieldSet.newBuilder(graph)
                .clearField(GRAPH_NODE).addField(GRAPH_NODE, nodeField.build())
                .clearField(GRAPH_INITIALIZER).addField(GRAPH_INITIALIZER, initField.build())
                .clearField(GRAPH_OUTPUT).addField(GRAPH_OUTPUT, outputField.build())
                .build();
        UnknownFieldSet.Field.Builder opsets = UnknownFieldSet.Field.newBuilder(model.getField(MODEL_OPSET_IMPORT));
        extraOpsets.forEach(opsets::addLengthDelimited);
        return UnknownFieldSet.newBuilder(model)
                .clearField(MODEL_GRAPH).addField(MODEL_GRAPH, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(newGraph.toByteString()).build())
                .clearField(MODEL_OPSET_IMPORT).addField(MODEL_OPSET_IMPORT, opsets.build())
                .build().toByteArray();
    }

    static ByteString intAttribute(String name, long value) {
        return UnknownFieldSet.newBuilder()
                .addField(ATTRIBUTE_NAME, strings(name))
                .addField(ATTRIBUTE_I, UnknownFieldSet.Field.newBuilder().addVarint(value).build())
                .addField(ATTRIBUTE_TYPE, UnknownFieldSet.Field.newBuilder().addVarint(ATTRIBUTE_TYPE_INT).build())
                .build().toByteString();
    }

    /** The value of a float-typed {@code Constant} node's scalar {@code value}, for reading epsilons and the like. */
    float constantScalar(String value) {
        Node constant = producer(value);
        if (constant == null || !constant.opType().equals("Constant") || constant.attributes().isEmpty()) {
            Tensor t = initializers.get(value);
            if (t != null) {
                return t.toFloats()[0];
            }
            throw new IllegalArgumentException(value + " is not a constant");
        }
        try {
            UnknownFieldSet attribute = UnknownFieldSet.parseFrom(constant.attributes().getFirst());
            Tensor t = tensor(UnknownFieldSet.parseFrom(single(attribute, 5)));
            return t.toFloats()[0];
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(value + " is not a readable constant", e);
        }
    }

    // --- protobuf plumbing

    private static Node node(UnknownFieldSet n) {
        UnknownFieldSet rest = UnknownFieldSet.newBuilder(n).clearField(NODE_INPUT).clearField(NODE_OUTPUT)
                .clearField(NODE_NAME).clearField(NODE_OP_TYPE).clearField(NODE_DOMAIN).clearField(NODE_ATTRIBUTE)
                .build();
        return new Node(string(n, NODE_NAME), string(n, NODE_OP_TYPE), string(n, NODE_DOMAIN),
                stringList(n, NODE_INPUT), stringList(n, NODE_OUTPUT),
                n.getField(NODE_ATTRIBUTE).getLengthDelimitedList(), rest);
    }

    private static ByteString serialise(Node n) {
        UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder(n.rest())
                .addField(NODE_INPUT, strings(n.inputs().toArray(String[]::new)))
                .addField(NODE_OUTPUT, strings(n.outputs().toArray(String[]::new)))
                .addField(NODE_OP_TYPE, strings(n.opType()));
        if (!n.name().isEmpty()) {
            b.addField(NODE_NAME, strings(n.name()));
        }
        if (!n.domain().isEmpty()) {
            b.addField(NODE_DOMAIN, strings(n.domain()));
        }
        if (!n.attributes().isEmpty()) {
            UnknownFieldSet.Field.Builder attributes = UnknownFieldSet.Field.newBuilder();
            n.attributes().forEach(attributes::addLengthDelimited);
            b.addField(NODE_ATTRIBUTE, attributes.build());
        }
        return b.build().toByteString();
    }

    private static Tensor tensor(UnknownFieldSet t) {
        String name = string(t, TENSOR_NAME);
        int type = t.getField(TENSOR_DATA_TYPE).getVarintList().stream().findFirst().orElse(0L).intValue();
        long[] dims = int64s(t.getField(TENSOR_DIMS));
        byte[] raw;
        if (!t.getField(TENSOR_RAW_DATA).getLengthDelimitedList().isEmpty()) {
            raw = single(t, TENSOR_RAW_DATA).toByteArray();
        } else if (type == FLOAT) {
            raw = packedFloats(t.getField(TENSOR_FLOAT_DATA));
        } else {
            raw = null; // a kind of tensor this class never rewrites; it must not be re-serialised either
        }
        return new Tensor(name, type, dims, raw);
    }

    private static ByteString serialise(Tensor t) {
        if (t.raw() == null) {
            throw new IllegalStateException("tensor " + t.name() + " of type " + t.dataType() + " cannot be written");
        }
        UnknownFieldSet.Field.Builder dims = UnknownFieldSet.Field.newBuilder();
        for (long d : t.dims()) {
            dims.addVarint(d);
        }
        return UnknownFieldSet.newBuilder()
                .addField(TENSOR_DIMS, dims.build())
                .addField(TENSOR_DATA_TYPE, UnknownFieldSet.Field.newBuilder().addVarint(t.dataType()).build())
                .addField(TENSOR_NAME, strings(t.name()))
                .addField(TENSOR_RAW_DATA, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFrom(t.raw())).build())
                .build().toByteString();
    }

    private static long[] int64s(UnknownFieldSet.Field field) {
        List<Long> values = new ArrayList<>(field.getVarintList());
        for (ByteString packed : field.getLengthDelimitedList()) {
            try {
                CodedInputStream in = packed.newCodedInput();
                while (!in.isAtEnd()) {
                    values.add(in.readInt64());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static byte[] packedFloats(UnknownFieldSet.Field field) {
        ByteBuffer out = ByteBuffer.allocate((field.getFixed32List().size()
                + field.getLengthDelimitedList().stream().mapToInt(ByteString::size).sum() / 4) * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        field.getFixed32List().forEach(out::putInt);
        field.getLengthDelimitedList().forEach(bytes -> out.put(bytes.asReadOnlyByteBuffer()));
        return out.array();
    }

    private static ByteString single(UnknownFieldSet set, int field) {
        List<ByteString> values = set.getField(field).getLengthDelimitedList();
        if (values.isEmpty()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return values.getFirst();
    }

    private static String string(UnknownFieldSet set, int field) {
        List<ByteString> values = set.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : values.getFirst().toStringUtf8();
    }

    private static List<String> stringList(UnknownFieldSet set, int field) {
        return set.getField(field).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).toList();
    }

    private static UnknownFieldSet.Field strings(String... values) {
        UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
        for (String v : values) {
            field.addLengthDelimited(ByteString.copyFromUtf8(Objects.requireNonNull(v)));
        }
        return field.build();
    }

    void replaceNode(Node old, Node replacement) {
        int i = nodes.indexOf(old);
        if (i < 0) {
            throw new IllegalArgumentException("no such node " + old.name());
        }
        nodes.set(i, replacement);
    }

    void addNodeBefore(Node anchor, Node node) {
        int i = nodes.indexOf(anchor);
        nodes.add(Math.max(0, i), node);
    }

    void removeNode(Node node) {
        nodes.remove(node);
    }
}
