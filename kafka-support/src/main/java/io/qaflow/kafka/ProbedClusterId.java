package io.qaflow.kafka;

import java.util.Map;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The cluster id Spring Kafka's observations tag sends and receives with, from the availability probe. The stock
 * {@link KafkaAdmin#clusterId()} asks the cluster on the calling thread, again on every send until it gets an answer:
 * with the brokers away that stalled the send thread for the admin's whole operation timeout, per send.
 */
final class ProbedClusterId extends KafkaAdmin {
    private final KafkaAvailability availability;

    ProbedClusterId(KafkaAvailability availability) {
        super(Map.of());
        this.availability = availability;
    }

    @Override
    public String clusterId() {
        return availability.clusterId();
    }
}
