package io.qaflow.metrics.topology;

import io.qaflow.model.FailureCode;
import io.qaflow.model.FailureStage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link VariantAggregate} for the state stores and their changelogs: a format version, the
 * counters, the failure maps by enum name and the four DDSketches in sketches-java's own binary encoding (index mapping included).
 */
public final class VariantAggregateSerde implements Serde<VariantAggregate>, Serializer<VariantAggregate>,
        Deserializer<VariantAggregate> {
    private static final byte FORMAT = 2;

    @Override
    public byte[] serialize(String topic, VariantAggregate a) {
        if (a == null) {
            return null;
        }
        try (var bytes = new ByteArrayOutputStream(512); var out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(a.experimentId == null ? "" : a.experimentId);
            out.writeUTF(a.variant == null ? "" : a.variant);
            for (long v : new long[] {a.firstEventMs, a.lastEventMs, a.answered, a.failed, a.degraded, a.expired,
                    a.cacheHits, a.promptTokens, a.completionTokens, a.feedbackUp, a.feedbackDown, a.late,
                    a.costCount, a.latencyCount}) {
                out.writeLong(v);
            }
            out.writeDouble(a.latencyMean);
            out.writeDouble(a.latencyM2);
            out.writeDouble(a.costSum);
            out.writeDouble(a.costMean);
            out.writeDouble(a.costM2);
            out.writeInt(a.failedByCode.size());
            for (var e : a.failedByCode.entrySet()) {
                out.writeUTF(e.getKey().name());
                out.writeLong(e.getValue());
            }
            out.writeInt(a.failedByStage.size());
            for (var e : a.failedByStage.entrySet()) {
                out.writeUTF(e.getKey().name());
                out.writeLong(e.getValue());
            }
            for (var sketch : new com.datadoghq.sketch.ddsketch.DDSketch[] {a.total, a.embed, a.retrieve,
                    a.generate}) {
                byte[] encoded = LatencySketch.encode(sketch);
                out.writeInt(encoded.length);
                out.write(encoded);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot write variant aggregate", e);
        }
    }

    @Override
    public VariantAggregate deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown variant aggregate format " + format);
            }
            var a = new VariantAggregate();
            a.experimentId = in.readUTF();
            a.variant = in.readUTF();
            a.firstEventMs = in.readLong();
            a.lastEventMs = in.readLong();
            a.answered = in.readLong();
            a.failed = in.readLong();
            a.degraded = in.readLong();
            a.expired = in.readLong();
            a.cacheHits = in.readLong();
            a.promptTokens = in.readLong();
            a.completionTokens = in.readLong();
            a.feedbackUp = in.readLong();
            a.feedbackDown = in.readLong();
            a.late = in.readLong();
            a.costCount = in.readLong();
            a.latencyCount = in.readLong();
            a.latencyMean = in.readDouble();
            a.latencyM2 = in.readDouble();
            a.costSum = in.readDouble();
            a.costMean = in.readDouble();
            a.costM2 = in.readDouble();
            for (int i = in.readInt(); i > 0; i--) {
                a.failedByCode.put(FailureCode.valueOf(in.readUTF()), in.readLong());
            }
            for (int i = in.readInt(); i > 0; i--) {
                a.failedByStage.put(FailureStage.valueOf(in.readUTF()), in.readLong());
            }
            a.total = readSketch(in);
            a.embed = readSketch(in);
            a.retrieve = readSketch(in);
            a.generate = readSketch(in);
            return a;
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException("cannot read variant aggregate", e);
        }
    }

    private static com.datadoghq.sketch.ddsketch.DDSketch readSketch(DataInputStream in) throws IOException {
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        return LatencySketch.decode(encoded);
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<VariantAggregate> serializer() {
        return this;
    }

    @Override
    public Deserializer<VariantAggregate> deserializer() {
        return this;
    }
}
