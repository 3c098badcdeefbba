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
 * goes to {@code qa.contexts.v1.dlt} with the error in its headers; any other is answered. Returns normally when
 * the record is done with: its output acknowledged, or, when an output cannot be delivered at all, the loss logged
 * and counted ({@code qa.errors{code=undeliverable}}), so the record never blocks its partition. Throws only
 * InterruptedException, when the worker stops first; the record is then redelivered.
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
            log.warn("{} is not a ContextRetrieved; sending it to {}: {}", origin(record),
                    Topics.CONTEXTS.deadLetterName(), e.getMessage());
            deadLetter(record, e);
            return;
        }
        try {
            handler.handle(context);
        } catch (InterruptedException e) {
            throw e;
        } catch (Delivery.UndeliverableException e) {
            metrics.error("undeliverable");
            log.error("no terminal event for request {} ({}) could be published; the record is skipped",
                    context.requestId(), origin(record), e);
        } catch (Throwable e) {
            // not expected (the handler turns answering errors into RequestFailed), but a record must never
            // block its partition nor vanish: park it with the error
            deadLetterUnexpected(record, e);
        }
    }

    /**
     * Parks a record whose processing failed in an unexpected way on {@code qa.contexts.v1.dlt}, with the error in
     * its headers. Returns normally when the record is done with (dead-lettered, or the loss logged and counted).
     */
    public void deadLetterUnexpected(ConsumerRecord<byte[], byte[]> record, Throwable error)
            throws InterruptedException {
        metrics.error("internal");
        log.error("processing {} failed; sending it to {}", origin(record), Topics.CONTEXTS.deadLetterName(), error);
        deadLetter(record, error);
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error) throws InterruptedException {
        try {
            delivery.deliver("dead letter " + origin(record),
                    () -> publisher.sendDeadLetter(record, Topics.CONTEXTS.deadLetterName(), error));
        } catch (Delivery.UndeliverableException e) {
            metrics.error("undeliverable");
            log.error("{} cannot be dead-lettered; the record is skipped", origin(record), e);
        }
    }

    private static String origin(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
