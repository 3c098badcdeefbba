package io.qaflow.controller.kafka;

import io.qaflow.controller.ExperimentService;
import io.qaflow.model.ExperimentVerdict;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;

/** Hands each verdict of the metrics aggregator to the automatic decisions. */
public final class VerdictListener implements MessageListener<String, ExperimentVerdict> {
    private final ExperimentService service;

    public VerdictListener(ExperimentService service) {
        this.service = service;
    }

    @Override
    public void onMessage(ConsumerRecord<String, ExperimentVerdict> record) {
        if (record.value() != null) {
            service.decide(record.value());
        }
    }
}
