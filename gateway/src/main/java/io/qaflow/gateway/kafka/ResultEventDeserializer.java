package io.qaflow.gateway.kafka;

import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads the events of the topics the gateway follows, each with its topic's serde. */
public final class ResultEventDeserializer implements Deserializer<Object> {
    public static final List<Topic<String, ?>> TOPICS = List.of(Topics.ANSWERS, Topics.FAILURES, Topics.PROGRESS);

    @Override
    public Object deserialize(String topic, byte[] data) {
        for (Topic<String, ?> candidate : TOPICS) {
            if (candidate.name().equals(topic)) {
                return candidate.valueSerde().deserialize(topic, data);
            }
        }
        throw new SerializationException("the gateway does not read topic " + topic);
    }
}
