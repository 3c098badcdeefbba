package io.qaflow.kafka;

import io.qaflow.model.kafka.Topic;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads each record with its topic's serde, for a consumer of several catalog topics. */
final class TopicValueDeserializer<V> implements Deserializer<V> {
    private final Map<String, Topic<String, ? extends V>> byName;

    TopicValueDeserializer(List<? extends Topic<String, ? extends V>> topics) {
        this.byName = topics.stream().collect(Collectors.toUnmodifiableMap(Topic::name, Function.identity()));
    }

    @Override
    public V deserialize(String topic, byte[] data) {
        Topic<String, ? extends V> known = byName.get(topic);
        if (known == null) {
            throw new SerializationException("no serde for topic " + topic);
        }
        return known.valueSerde().deserialize(topic, data);
    }
}
