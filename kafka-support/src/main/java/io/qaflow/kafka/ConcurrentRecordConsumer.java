package io.qaflow.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A consumer group member that processes records concurrently and commits out of order safely (see
 * {@link ConcurrentPollLoop}): the tool where a listener container is not, because one slow record (an LLM call) must
 * not hold back the records behind it. Runs with the application: starts polling when the context is ready, stops
 * cleanly (bounded wait for in-flight records, then a final commit) when it closes.
 *
 * <p>A run that dies on an error is never left dead: it is started again after a back-off (doubling up to a ceiling)
 * and resumes from the last committed offsets. After {@code failuresBeforeDown} failed runs with no successful poll
 * between them, {@link #state()} is {@code FAILED}, which the liveness probe reports as DOWN, so the orchestrator
 * replaces the process; restarts go on meanwhile.
 */
public final class ConcurrentRecordConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ConcurrentRecordConsumer.class);

    public enum State { STOPPED, STARTING, RUNNING, RESTARTING, FAILED }

    /**
     * @param maxInFlight records processed at once
     * @param pollTimeout the longest poll
     * @param maxPollRecords records per poll
     * @param shutdownTimeout how long a stop or a revocation waits for in-flight records
     */
    public record Settings(int maxInFlight, Duration pollTimeout, int maxPollRecords, Duration shutdownTimeout) {}

    private final String name;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Supplier<String> clientIds;
    private final ConcurrentPollLoop.Setup setup;
    private final KafkaSupportProperties.Consumer supervision;
    private final AtomicInteger inFlight;
    private final ScheduledExecutorService restarts;
    private ConcurrentPollLoop loop;
    private boolean wanted;
    private int consecutiveFailures;
    private Throwable lastFailure;
    private RuntimeException injectedFailure;
    private int injectedRuns;
    private volatile int restartCount;

    ConcurrentRecordConsumer(String name, Supplier<Consumer<byte[], byte[]>> consumers, Supplier<String> clientIds,
                             ConcurrentPollLoop.Setup setup, KafkaSupportProperties.Consumer supervision) {
        this.name = name;
        this.consumers = consumers;
        this.clientIds = clientIds;
        this.setup = setup;
        this.supervision = supervision;
        this.inFlight = setup.inFlight();
        this.restarts = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name + "-restart")
                .daemon(true).factory());
    }

    @Override
    public synchronized void start() {
        wanted = true;
        if (loop != null && loop.running()) {
            return;
        }
        run();
    }

    private synchronized void run() {
        if (!wanted || (loop != null && loop.running())) {
            return;
        }
        ConcurrentPollLoop current = new ConcurrentPollLoop(consumers.get(), clientIds.get(), setup);
        loop = current;
        if (injectedRuns > 0) {
            injectedRuns--;
            current.fail(injectedFailure);
        }
        current.ended().thenAccept(failure -> ended(current, failure));
        current.start();
    }

    private synchronized void ended(ConcurrentPollLoop run, Throwable failure) {
        if (failure == null || run != loop) {
            return;
        }
        lastFailure = failure;
        consecutiveFailures = run.polledOnce() ? 1 : consecutiveFailures + 1;
        if (!wanted) {
            return;
        }
        long backoffMs = Math.min(supervision.maxRestartBackoff().toMillis(),
                supervision.restartBackoff().toMillis() << Math.min(consecutiveFailures - 1, 20));
        log.warn("the {} consumer failed ({} in a row); starting it again in {} ms", name, consecutiveFailures,
                backoffMs);
        restarts.schedule(() -> {
            restartCount++;
            run();
        }, backoffMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        wanted = false;
        if (loop != null) {
            loop.stop();
        }
    }

    /**
     * Closes the consumer without committing and abandons in-flight records, as a crash of the process would; their
     * outputs may or may not have been published, and the records are redelivered to the group. Not restarted.
     */
    public synchronized void crash() {
        wanted = false;
        if (loop != null) {
            loop.crash();
        }
    }

    /**
     * Makes the poll thread fail as if the Kafka client had thrown {@code failure}, in the run now and in the next
     * {@code runs - 1} runs, each at its start (fault drills and tests: a client that breaks once, or keeps breaking).
     */
    public synchronized void failPollLoop(RuntimeException failure, int runs) {
        injectedFailure = failure;
        injectedRuns = runs;
        if (loop != null && loop.running()) {
            injectedRuns--;
            loop.fail(failure);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return wanted;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100; // with Spring's listener containers: after the state they need is read
    }

    public synchronized State state() {
        if (!wanted) {
            return State.STOPPED;
        }
        boolean running = loop != null && loop.running();
        if (running && loop.polledOnce()) {
            return State.RUNNING;
        }
        if (consecutiveFailures >= supervision.failuresBeforeDown()) {
            return State.FAILED;
        }
        return running && consecutiveFailures == 0 ? State.STARTING : State.RESTARTING;
    }

    public String stateName() {
        return state().name().toLowerCase(Locale.ROOT);
    }

    /** Failed runs since the last successful poll. */
    public synchronized int consecutiveFailures() {
        return loop != null && loop.running() && loop.polledOnce() ? 0 : consecutiveFailures;
    }

    /** How often the loop was started again after a failure. */
    public int restarts() {
        return restartCount;
    }

    public synchronized String lastFailure() {
        return lastFailure == null ? null : lastFailure.toString();
    }

    /** Records being processed now. */
    public int inFlight() {
        return inFlight.get();
    }

    public String name() {
        return name;
    }

    synchronized List<Map<MetricName, ? extends Metric>> clientMetrics() {
        return loop == null || !loop.running() ? List.of() : List.of(loop.metrics());
    }
}
