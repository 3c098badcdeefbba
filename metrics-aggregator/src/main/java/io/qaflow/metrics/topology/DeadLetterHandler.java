package io.qaflow.metrics.topology;

import io.qaflow.model.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A record the aggregator cannot read goes, unchanged, to its topic's dead-letter topic with the error in headers
 * (the header names Spring Kafka's DeadLetterPublishingRecoverer uses), and processing resumes.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
    public static final String EXCEPTION_HEADER = "kafka_dlt-exception-message";
    public static final String ORIGINAL_TOPIC_HEADER = "kafka_dlt-original-topic";

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
        var headers = new RecordHeaders(record.headers().toArray());
        headers.add(EXCEPTION_HEADER, String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGINAL_TOPIC_HEADER, record.topic().getBytes(StandardCharsets.UTF_8));
        return Response.resume(List.of(new ProducerRecord<>(record.topic() + Topic.DEAD_LETTER_SUFFIX, null,
                record.key(), record.value(), headers)));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
