package io.qaflow.answer.worker;

import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.kafka.ListenerContainers;
import io.qaflow.kafka.RecordProcessor;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Processes one raw {@code qa.contexts.v1} record: a record that cannot be read as a {@link ContextRetrieved} is
 * refused (the consumer parks it on {@code qa.contexts.v1.dlt} with the error in its headers); any other is answered.
 * Returns normally when the record is done with: its terminal event acknowledged, or, when none can be delivered at
 * all, the loss logged and counted ({@code qa.errors{code=undeliverable}}; the gateway expires the request at its
 * deadline), so the record never blocks its partition. An unexpected error propagates and parks the record.
 */
public final class ContextRecordProcessor implements RecordProcessor {
    private static final Logger log = LoggerFactory.getLogger(ContextRecordProcessor.class);

    private final AnswerHandler handler;
    private final AnswerMetrics metrics;

    public ContextRecordProcessor(AnswerHandler handler, AnswerMetrics metrics) {
        this.handler = handler;
        this.metrics = metrics;
    }

    @Override
    public void process(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        ContextRetrieved context;
        try {
            context = Topics.CONTEXTS.valueSerde().deserialize(record.topic(), record.value());
            if (context == null) {
                throw new SerializationException("record has no value");
            }
        } catch (SerializationException e) {
            metrics.error("poison_record");
            throw e;
        }
        MDC.put(ListenerContainers.EXPERIMENT_ID, context.variant().experimentId());
        try {
            handler.handle(context);
        } catch (UndeliverableException e) {
            metrics.error("undeliverable");
            log.error("no terminal event for request {} ({}-{}@{}) could be published; the record is skipped",
                    context.requestId(), record.topic(), record.partition(), record.offset(), e);
        } catch (RuntimeException e) {
            // not expected (the handler turns answering errors into RequestFailed): counted, then parked
            metrics.error("internal");
            throw e;
        } finally {
            MDC.remove(ListenerContainers.EXPERIMENT_ID);
        }
    }
}
