package io.qaflow.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * {@code kafkaConsumers}, for the liveness probe: DOWN when a consumer of this service is dead for good — a listener
 * container that stopped without being asked to (Spring Kafka's {@code isInExpectedState}), or a concurrent record
 * consumer whose restarts keep failing — so the orchestrator replaces the process instead of leaving it alive and
 * deaf.
 */
final class ConsumerHealth implements HealthIndicator {
    private final List<ConcurrentRecordConsumer> consumers = new CopyOnWriteArrayList<>();
    private final Map<String, MessageListenerContainer> containers = new LinkedHashMap<>();

    void add(ConcurrentRecordConsumer consumer) {
        consumers.add(consumer);
    }

    synchronized void add(String name, MessageListenerContainer container) {
        containers.put(name, container);
    }

    @Override
    public Health health() {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (ConcurrentRecordConsumer consumer : consumers) {
            ConcurrentRecordConsumer.State state = consumer.state();
            up &= state != ConcurrentRecordConsumer.State.FAILED;
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", consumer.stateName());
            detail.put("restarts", consumer.restarts());
            detail.put("consecutiveFailures", consumer.consecutiveFailures());
            if (consumer.lastFailure() != null) {
                detail.put("lastFailure", consumer.lastFailure());
            }
            details.put(consumer.name(), detail);
        }
        synchronized (this) {
            for (Map.Entry<String, MessageListenerContainer> entry : containers.entrySet()) {
                MessageListenerContainer container = entry.getValue();
                boolean expected = container.isInExpectedState();
                up &= expected;
                details.put(entry.getKey(), Map.of("running", container.isRunning(), "expectedState", expected));
            }
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }
}
