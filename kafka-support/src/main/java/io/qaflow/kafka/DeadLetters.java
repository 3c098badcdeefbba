package io.qaflow.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qaflow.model.kafka.Topic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.BackOff;

/**
 * The one dead-letter path: a record that cannot be read or processed goes, unchanged (for an unreadable one, its raw
 * bytes), to {@code <topic>.dlt} with Spring Kafka's {@code kafka_dlt-*} headers (exception, message, stack trace,
 * original topic/partition/offset/timestamp), so one tool reads every service's dead letters. It is logged and
 * counted ({@code qa.kafka.dead_letters{topic,reason}}), and {@link #deadLetter} returns only once the broker
 * acknowledged the copy, throwing otherwise, so no caller commits past a record that was neither processed nor
 * parked.
 *
 * <p>Listener containers get it as their error handler ({@link #errorHandler}): poison records (a
 * {@link DeserializationException} from the {@code ErrorHandlingDeserializer}) are parked at once, processing failures
 * after the back-off's retries. The concurrent record consumer and the compacted-topic followers call
 * {@link #deadLetter} themselves; Kafka Streams uses {@link StreamsDeadLetters}, which writes the same headers.
 */
public final class DeadLetters implements ConsumerRecordRecoverer {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterPublishingRecoverer recoverer;
    private final MeterRegistry registry;

    DeadLetters(KafkaOperations<Object, Object> template, Duration timeout, MeterRegistry registry) {
        this.recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(record.topic() + Topic.DEAD_LETTER_SUFFIX, -1));
        this.recoverer.setFailIfSendResultIsError(true);
        this.recoverer.setWaitForSendResultTimeout(timeout);
        this.recoverer.setExceptionHeadersCreator(DeadLetters::exceptionHeaders);
        this.registry = registry;
    }

    /** Dead letters sent through {@code template}: for unit tests over Kafka's {@code MockProducer}. */
    public static DeadLetters over(KafkaOperations<Object, Object> template, Duration timeout, MeterRegistry registry) {
        return new DeadLetters(template, timeout, registry);
    }

    /** Parks {@code record}; throws when the broker did not acknowledge the dead letter. */
    public void deadLetter(ConsumerRecord<?, ?> record, Throwable reason) {
        // the recoverer takes Exceptions: an Error (a bug nobody expected) travels wrapped, and its headers name it
        Exception exception = reason instanceof Exception e ? e : new UnexpectedError(reason);
        boolean unreadable = causedBy(reason, DeserializationException.class)
                || causedBy(reason, org.apache.kafka.common.errors.SerializationException.class);
        String kind = unreadable ? "unreadable" : "failed";
        recoverer.accept(record, exception);
        Counter.builder("qa.kafka.dead_letters").description("Records parked on a dead-letter topic")
                .tag("topic", record.topic()).tag("reason", kind).register(registry).increment();
        log.warn("{} record {}-{}@{} parked on {}{}: {}", kind, record.topic(), record.partition(), record.offset(),
                record.topic(), Topic.DEAD_LETTER_SUFFIX, rootMessage(reason));
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception exception) {
        deadLetter(record, exception);
    }

    /**
     * The error handler of a listener container: a processing failure is retried as {@code backOff} says, then
     * parked; an unreadable record is parked at once. A dead letter that is not acknowledged leaves the record
     * uncommitted, to be handled again.
     */
    public DefaultErrorHandler errorHandler(BackOff backOff) {
        DefaultErrorHandler handler = new DefaultErrorHandler(this, backOff);
        handler.addNotRetryableExceptions(DeserializationException.class);
        return handler;
    }

    /** Spring Kafka's exception headers, naming an Error by its own class rather than its wrapper's. */
    private static void exceptionHeaders(Headers headers, Exception exception, boolean isKey,
                                         DeadLetterPublishingRecoverer.HeaderNames names) {
        Throwable reported = exception instanceof UnexpectedError wrapper ? wrapper.getCause() : exception;
        var info = names.getExceptionInfo();
        headers.add(isKey ? info.getKeyExceptionFqcn() : info.getExceptionFqcn(), utf8(reported.getClass().getName()));
        if (!isKey && reported.getCause() != null) {
            headers.add(info.getExceptionCauseFqcn(), utf8(reported.getCause().getClass().getName()));
        }
        headers.add(isKey ? info.getKeyExceptionMessage() : info.getExceptionMessage(),
                utf8(String.valueOf(reported.getMessage())));
        StringWriter trace = new StringWriter();
        reported.printStackTrace(new PrintWriter(trace));
        headers.add(isKey ? info.getKeyExceptionStacktrace() : info.getExceptionStacktrace(), utf8(trace.toString()));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** An Error on its way to the recoverer, which takes Exceptions. */
    private static final class UnexpectedError extends RuntimeException {
        UnexpectedError(Throwable error) {
            super(error.toString(), error);
        }
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
