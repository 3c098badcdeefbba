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
                case "schemaVersion" -> schemaVersion = (int) integer(parser, value, name);
                case "eventId" -> eventId = string(parser, value, name);
                case "occurredAt" -> occurredAt = Instant.parse(string(parser, value, name));
                case "cached" -> cached = bool(value, name);
                case "degraded" -> degraded = bool(value, name);
                case "costUsd" -> costUsd = decimal(parser, value, name);
                case "variant" -> {
                    expect(value, JsonToken.START_OBJECT, "variant");
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        JsonToken fieldValue = parser.nextToken();
                        if (field.equals("experimentId")) {
                            experimentId = fieldValue == JsonToken.VALUE_NULL ? null
                                    : string(parser, fieldValue, "variant.experimentId");
                        } else if (field.equals("variant")) {
                            variant = string(parser, fieldValue, "variant.variant");
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
                case "usage" -> {
                    expect(value, JsonToken.START_OBJECT, "usage");
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        JsonToken fieldValue = parser.nextToken();
                        if (field.equals("promptTokens")) {
                            promptTokens = integer(parser, fieldValue, "usage.promptTokens");
                        } else if (field.equals("completionTokens")) {
                            completionTokens = integer(parser, fieldValue, "usage.completionTokens");
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
                        JsonToken fieldValue = parser.nextToken();
                        switch (field) {
                            case "total" -> latency[0] = integer(parser, fieldValue, "latencyMs.total");
                            case "embed" -> latency[1] = integer(parser, fieldValue, "latencyMs.embed");
                            case "retrieve" -> latency[2] = integer(parser, fieldValue, "latencyMs.retrieve");
                            case "generate" -> latency[3] = integer(parser, fieldValue, "latencyMs.generate");
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

    private static String string(JsonParser parser, JsonToken token, String field) {
        if (token != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException(field + " must be a string, found " + token);
        }
        return parser.getString();
    }

    private static long integer(JsonParser parser, JsonToken token, String field) {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException(field + " must be an integer, found " + token);
        }
        return parser.getLongValue();
    }

    private static double decimal(JsonParser parser, JsonToken token, String field) {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IllegalArgumentException(field + " must be a number, found " + token);
        }
        return parser.getDoubleValue();
    }

    private static boolean bool(JsonToken token, String field) {
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw new IllegalArgumentException(field + " must be true or false, found " + token);
        }
        return token == JsonToken.VALUE_TRUE;
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
