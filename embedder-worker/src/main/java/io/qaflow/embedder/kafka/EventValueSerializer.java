package io.qaflow.embedder.kafka;

import io.qaflow.model.kafka.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/**
 * Values for the embedder's one producer: bytes already serialised by a topic's serde (or a poison record's raw
 * bytes on their way to a dead-letter topic) pass through; an event object (a record re-published to a dead-letter
 * topic after its batch failed) is written with the events' JSON mapping.
 */
public final class EventValueSerializer implements Serializer<Object> {
    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(data);
        } catch (JacksonException e) {
            throw new SerializationException("cannot write " + data.getClass().getSimpleName() + " for " + topic, e);
        }
    }
}
