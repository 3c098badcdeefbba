package io.qaflow.model.kafka;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic, declared once with its serdes and its topic-level configuration. Every producer, consumer and topology
 * refers to a {@code Topic} constant from {@link Topics}; no topic name is written anywhere else.
 *
 * @param keyName what a record's key identifies ({@code requestId}, {@code experimentId}, …): the field under which
 *        consumers put the key in their log context
 */
public record Topic<K, V>(String name, String keyName, Serde<K> keySerde, JsonSerde<V> valueSerde,
                          Map<String, String> config) {

    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    public Topic {
        config = Map.copyOf(config);
    }

    static <V> Topic<String, V> keyedByString(String name, String keyName, Class<V> valueType,
                                              Map<String, String> config) {
        return new Topic<>(name, keyName, Serdes.String(), new JsonSerde<>(valueType), config);
    }

    public String deadLetterName() {
        return name + DEAD_LETTER_SUFFIX;
    }

    public boolean compacted() {
        return TopicConfig.CLEANUP_POLICY_COMPACT.equals(config.get(TopicConfig.CLEANUP_POLICY_CONFIG));
    }

    public Class<V> valueType() {
        return valueSerde.type();
    }
}
