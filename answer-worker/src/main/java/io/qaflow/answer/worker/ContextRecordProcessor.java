package io.qaflow.answer.worker;

import io.qaflow.answer.metrics.AnswerMetrics;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one raw {@code qa.contexts.v1} record: a record that cannot be read as a {@link ContextRetrieved}
 * goes to {@code qa.contexts.v1.dlt} with the error in its headers; any other is answered. Returns normally only
 * when the record's output is acknowledged, so the caller may then count its offset as done.
 */
public final class ContextRecordProcessor {
    private static final Logger log = LoggerFactory.getLogger(ContextRecordProcessor.class);

    private final AnswerHandler handler;
    private final EventPublisher publisher;
    private final Delivery delivery;
    private final AnswerMetrics metrics;

    public ContextRecordProcessor(AnswerHandler handler, EventPublisher publisher, AnswerMetrics metrics,
                                  java.time.Duration publishRetryBackoff) {
        this.handler = handler;
        this.publisher = publisher;
        this.delivery = new Delivery(metrics, publishRetryBackoff);
        this.metrics = metrics;
    }

    public void process(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        ContextRetrieved context;
        try {
            context = Topics.CONTEXTS.valueSerde().deserialize(record.topic(), record.value());
            if (context == null) {
                throw new SerializationException("record has no value");
            }
        } catch (SerializationException e) {
            metrics.error("poison_record");
            log.warn("{}-{}@{} is not a ContextRetrieved; sending it to {}: {}", record.topic(), record.partition(),
                    record.offset(), Topics.CONTEXTS.deadLetterName(), e.getMessage());
            delivery.deliver("dead letter " + record.topic() + "-" + record.partition() + "@" + record.offset(),
                    () -> publisher.sendDeadLetter(record, Topics.CONTEXTS.deadLetterName(), e));
            return;
        }
        try {
            handler.handle(context);
        } catch (RuntimeException e) {
            // not expected (the handler turns answering errors into RequestFailed), but a record must never
            // block its partition nor vanish: park it with the error
            metrics.error("internal");
            log.error("processing {}-{}@{} failed; sending it to {}", record.topic(), record.partition(),
                    record.offset(), Topics.CONTEXTS.deadLetterName(), e);
            delivery.deliver("dead letter " + record.topic() + "-" + record.partition() + "@" + record.offset(),
                    () -> publisher.sendDeadLetter(record, Topics.CONTEXTS.deadLetterName(), e));
        }
    }
}
