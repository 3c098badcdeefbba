package io.qaflow.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * The dead-letter path of a Kafka Streams application: a record that cannot be deserialized, or whose processing
 * throws, is written (its source bytes, unchanged) to its catalog topic's {@code .dlt} with the same
 * {@code kafka_dlt-*} headers as {@link DeadLetters}, in the same transaction as the task's progress, counted in
 * {@code qa.kafka.dead_letters{topic,reason}}, and processing goes on with the next record: one bad record never
 * stops the application. A record of an internal (repartition) topic goes to {@link Topics#INTERNAL_DEAD_LETTERS}
 * with the same headers; a failure in a punctuation has no record to park: it is logged and counted.
 *
 * <p>Configure it with {@link #configure(Map, MeterRegistry)}.
 */
public final class StreamsDeadLetters implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(StreamsDeadLetters.class);
    private static final String REGISTRY = "qaflow.dead-letters.meter-registry";
    private static final Set<String> CATALOG = Topics.ALL.stream().map(Topic::name).collect(Collectors.toSet());

    private MeterRegistry registry = Metrics.globalRegistry;

    /** Sets both handlers of {@code config} to this class, counting in {@code registry}. */
    public static void configure(Map<String, Object> config, MeterRegistry registry) {
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetters.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetters.class);
        config.put(REGISTRY, registry);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(REGISTRY) instanceof MeterRegistry configured) {
            registry = configured;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        return DeserializationExceptionHandler.Response.resume(park(context, record.key(), record.value(),
                exception, "unreadable"));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        return ProcessingExceptionHandler.Response.resume(park(context, context.sourceRawKey(),
                context.sourceRawValue(), exception, "failed"));
    }

    private List<ProducerRecord<byte[], byte[]>> park(ErrorHandlerContext context, byte[] key, byte[] value,
                                                      Exception exception, String reason) {
        String topic = context.topic();
        boolean catalog = topic != null && CATALOG.contains(topic);
        Counter.builder("qa.kafka.dead_letters").description("Records parked on a dead-letter topic")
                .tag("topic", catalog ? topic : "internal").tag("reason", reason)
                .register(registry).increment();
        if (topic == null || (key == null && value == null)) {
            log.error("{} in a punctuation of node {}, task {}; going on: {}", reason, context.processorNodeId(),
                    context.taskId(), exception.toString(), exception);
            return List.of();
        }
        String deadLetters = catalog ? topic + Topic.DEAD_LETTER_SUFFIX : Topics.INTERNAL_DEAD_LETTERS;
        log.warn("{} record {}-{}@{} (node {}) parked on {}: {}", reason, topic, context.partition(),
                context.offset(), context.processorNodeId(), deadLetters, exception.toString());
        return List.of(new ProducerRecord<>(deadLetters, null, key, value, headers(context, exception)));
    }

    private static Headers headers(ErrorHandlerContext context, Exception exception) {
        Headers headers = new RecordHeaders(context.headers().toArray());
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, utf8(exception.getClass().getName()));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8(String.valueOf(exception.getMessage())));
        if (exception.getCause() != null) {
            headers.add(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN, utf8(exception.getCause().getClass().getName()));
        }
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, utf8(context.topic()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION,
                ByteBuffer.allocate(Integer.BYTES).putInt(context.partition()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(context.offset()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP,
                ByteBuffer.allocate(Long.BYTES).putLong(context.timestamp()).array());
        return headers;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
