package io.qaflow.controller.kafka;

import io.qaflow.controller.ExperimentService;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.model.ExperimentVerdict;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;

/** Keeps each verdict of the metrics aggregator for the report and hands it to the automatic decisions. */
public final class VerdictListener implements MessageListener<String, ExperimentVerdict> {
    private final ExperimentService service;
    private final LatestVerdicts latest;

    public VerdictListener(ExperimentService service, LatestVerdicts latest) {
        this.service = service;
        this.latest = latest;
    }

    @Override
    public void onMessage(ConsumerRecord<String, ExperimentVerdict> record) {
        if (record.value() != null) {
            ExperimentVerdict previous = latest.find(record.value().experimentId()).orElse(null);
            latest.record(record.value());
            service.decide(record.value(), previous);
        }
    }
}
