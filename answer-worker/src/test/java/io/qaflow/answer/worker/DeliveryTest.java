package io.qaflow.answer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.answer.metrics.AnswerMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class DeliveryTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Delivery delivery = new Delivery(new AnswerMetrics(registry), Duration.ofMillis(1), 3);
    private final AtomicInteger sends = new AtomicInteger();

    @Test
    void aNonRetriableFailureIsNotRepeated() {
        assertThatThrownBy(() -> delivery.deliver("answer", failing(new RecordTooLargeException("too large"))))
                .isInstanceOf(Delivery.UndeliverableException.class)
                .hasCauseInstanceOf(RecordTooLargeException.class);
        assertThat(sends).hasValue(1);

        sends.set(0);
        assertThatThrownBy(() -> delivery.deliver("answer", failing(new TopicAuthorizationException("no"))))
                .isInstanceOf(Delivery.UndeliverableException.class);
        assertThat(sends).hasValue(1);
        assertThat(registry.get("qa.errors").tag("stage", "generation").tag("code", "publish_failed").counter()
                .count()).isEqualTo(2);
    }

    @Test
    void aRetriableFailureIsRepeatedAtMostMaxAttemptsTimes() {
        assertThatThrownBy(() -> delivery.deliver("answer", failing(new NotEnoughReplicasException("later"))))
                .isInstanceOf(Delivery.UndeliverableException.class)
                .hasMessageContaining("after 3 attempt(s)");
        assertThat(sends).hasValue(3);
    }

    @Test
    void aRetriableFailureThatHealsIsDelivered() throws Exception {
        RecordMetadata acked = new RecordMetadata(new TopicPartition("t", 0), 7, 0, 0, 1, 1);

        RecordMetadata delivered = delivery.deliver("answer", () -> sends.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new NotEnoughReplicasException("later"))
                : CompletableFuture.completedFuture(acked));

        assertThat(delivered).isSameAs(acked);
        assertThat(sends).hasValue(2);
    }

    private java.util.function.Supplier<CompletableFuture<RecordMetadata>> failing(RuntimeException error) {
        return () -> {
            sends.incrementAndGet();
            return CompletableFuture.failedFuture(error);
        };
    }
}
