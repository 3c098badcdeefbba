package io.qaflow.answer.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@code qa.contexts.v1} consumer with the application: starts polling when the context is ready, stops
 * cleanly (bounded wait for in-flight records, then a final commit) when it closes. {@link #crash()} simulates a
 * process crash for tests; {@link #start()} afterwards resumes from the last committed offsets.
 */
public final class ContextConsumerRunner implements SmartLifecycle {
    public enum State { STOPPED, RUNNING, FAILED }

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final ContextRecordProcessor processor;
    private final int maxInFlight;
    private final Duration pollTimeout;
    private final Duration shutdownTimeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private ContextPollLoop loop;

    public ContextConsumerRunner(Supplier<Consumer<byte[], byte[]>> consumers, ContextRecordProcessor processor,
                                 int maxInFlight, Duration pollTimeout, Duration shutdownTimeout) {
        this.consumers = consumers;
        this.processor = processor;
        this.maxInFlight = maxInFlight;
        this.pollTimeout = pollTimeout;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public synchronized void start() {
        if (loop != null && loop.running()) {
            return;
        }
        loop = new ContextPollLoop(consumers.get(), processor, maxInFlight, pollTimeout, shutdownTimeout, inFlight);
        loop.start();
    }

    @Override
    public synchronized void stop() {
        if (loop != null) {
            loop.stop();
        }
    }

    /**
     * Closes the consumer without committing and abandons in-flight records, as a crash would; their outputs may
     * or may not have been published, and the records are redelivered to the group.
     */
    public synchronized void crash() {
        if (loop != null) {
            loop.crash();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return loop != null && loop.running();
    }

    public synchronized State state() {
        if (loop == null) {
            return State.STOPPED;
        }
        if (loop.running()) {
            return State.RUNNING;
        }
        return loop.failure() != null ? State.FAILED : State.STOPPED;
    }

    /** Records being processed now. */
    public int inFlight() {
        return inFlight.get();
    }
}
