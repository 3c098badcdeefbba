package io.qaflow.metrics.topology;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.StageLatency;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the aggregator's fields of an AnswerCompleted with Jackson's streaming parser. Binding the whole record
 * (nested records built through method handles, the answer text, the sources) took a third of the aggregator's
 * time; this reads the few fields it counts and skips the rest token by token. A record without the required
 * fields, of another schema version or not JSON at all fails with a {@link SerializationException}, which sends it
 * to the dead-letter topic like any unreadable record.
 */
final class AnswerFieldsDeserializer implements Deserializer<AnswerFields> {
    /** Read-only: the aggregator never writes answers. */
    static final Serde<AnswerFields> SERDE = Serdes.serdeFrom((topic, answer) -> {
        throw new UnsupportedOperationException("AnswerFields are read, never written");
    }, new AnswerFieldsDeserializer());

    @Override
    public AnswerFields deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (JsonParser parser = Json.MAPPER.createParser(data)) {
            return read(parser);
        } catch (JacksonException | DateTimeParseException | IllegalArgumentException e) {
            throw new SerializationException("cannot read AnswerCompleted from " + topic + ": " + e.getMessage(), e);
        }
    }

    private static AnswerFields read(JsonParser parser) {
        expect(parser.nextToken(), JsonToken.START_OBJECT, "the event");
        int schemaVersion = -1;
        String eventId = null;
        Instant occurredAt = null;
        String experimentId = null;
        String variant = null;
        boolean cached = false;
        boolean degraded = false;
        long promptTokens = -1;
        long completionTokens = -1;
        double costUsd = Double.NaN;
        long[] latency = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "schemaVersion" -> schemaVersion = parser.getIntValue();
                case "eventId" -> eventId = parser.getString();
                case "occurredAt" -> occurredAt = Instant.parse(parser.getString());
                case "cached" -> cached = value == JsonToken.VALUE_TRUE;
                case "degraded" -> degraded = value == JsonToken.VALUE_TRUE;
                case "costUsd" -> costUsd = parser.getDoubleValue();
                case "variant" -> {
                    expect(value, JsonToken.START_OBJECT, "variant");
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        JsonToken fieldValue = parser.nextToken();
                        if (field.equals("experimentId")) {
                            experimentId = fieldValue == JsonToken.VALUE_NULL ? null : parser.getString();
                        } else if (field.equals("variant")) {
                            variant = parser.getString();
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
                case "usage" -> {
                    expect(value, JsonToken.START_OBJECT, "usage");
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        parser.nextToken();
                        if (field.equals("promptTokens")) {
                            promptTokens = parser.getLongValue();
                        } else if (field.equals("completionTokens")) {
                            completionTokens = parser.getLongValue();
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
                case "latencyMs" -> {
                    expect(value, JsonToken.START_OBJECT, "latencyMs");
                    latency = new long[] {-1, -1, -1, -1};
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        parser.nextToken();
                        switch (field) {
                            case "total" -> latency[0] = parser.getLongValue();
                            case "embed" -> latency[1] = parser.getLongValue();
                            case "retrieve" -> latency[2] = parser.getLongValue();
                            case "generate" -> latency[3] = parser.getLongValue();
                            default -> parser.skipChildren();
                        }
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (schemaVersion != AnswerCompleted.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
        require(eventId != null && !eventId.isBlank(), "eventId");
        require(occurredAt != null, "occurredAt");
        require(variant != null && !variant.isBlank(), "variant.variant");
        require(promptTokens >= 0 && completionTokens >= 0, "usage");
        require(costUsd >= 0, "costUsd");
        require(latency != null, "latencyMs");
        return new AnswerFields(eventId, occurredAt,
                experimentId == null || experimentId.isBlank() ? Variant.DEFAULT_EXPERIMENT : experimentId, variant,
                cached, degraded, promptTokens, completionTokens, costUsd,
                new StageLatency(latency[0], latency[1], latency[2], latency[3]));
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " must be a JSON object, found " + actual);
        }
    }

    private static void require(boolean present, String field) {
        if (!present) {
            throw new IllegalArgumentException("missing or invalid " + field);
        }
    }
}
