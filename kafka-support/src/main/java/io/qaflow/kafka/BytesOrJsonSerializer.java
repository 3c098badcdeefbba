package io.qaflow.kafka;

import io.qaflow.model.kafka.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/**
 * Values of the one producer: bytes already serialized by a topic's serde (or a poison record's raw bytes on their way
 * to a dead-letter topic) pass through; anything else (a record re-published to a dead-letter topic after it was
 * read) is written as JSON.
 */
final class BytesOrJsonSerializer implements Serializer<Object> {
    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(data);
        } catch (JacksonException e) {
            throw new SerializationException("cannot write " + data.getClass().getSimpleName() + " to " + topic, e);
        }
    }
}
