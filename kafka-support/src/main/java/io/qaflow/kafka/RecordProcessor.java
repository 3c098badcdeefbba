package io.qaflow.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link ConcurrentRecordConsumer} does with one record, on a virtual thread of its own. Returning means done
 * (the offset may be committed once the records before it are done too); throwing parks the record on the dead-letter
 * topic; {@link InterruptedException} means the consumer is stopping and the record is left for redelivery.
 */
@FunctionalInterface
public interface RecordProcessor {
    void process(ConsumerRecord<byte[], byte[]> record) throws Exception;
}
