package io.qaflow.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Keys of the one producer: the catalog's String keys, or a consumed record's raw key bytes on its way to a DLT. */
final class StringOrBytesSerializer implements Serializer<Object> {
    @Override
    public byte[] serialize(String topic, Object data) {
        return switch (data) {
            case null -> null;
            case byte[] bytes -> bytes;
            case String text -> text.getBytes(StandardCharsets.UTF_8);
            default -> throw new SerializationException("a key is a String or bytes, not " + data.getClass());
        };
    }
}
