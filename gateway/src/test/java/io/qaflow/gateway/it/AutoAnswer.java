package io.qaflow.gateway.it;

import io.qaflow.model.QuestionAsked;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Plays the workers continuously: answers every question published to qa.requests.v1 after {@code delay}. */
final class AutoAnswer implements AutoCloseable {
    private final FakeWorkers workers;
    private final Duration delay;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final Thread loop;

    AutoAnswer(String bootstrapServers, Duration delay) {
        this.workers = new FakeWorkers(bootstrapServers);
        this.delay = delay;
        this.loop = Thread.ofPlatform().name("auto-answer").daemon().start(this::run);
    }

    private void run() {
        while (running.get()) {
            try {
                List<QuestionAsked> fresh = workers.asked().stream()
                        .filter(asked -> answered.add(asked.requestId())).toList();
                if (!fresh.isEmpty()) {
                    Thread.sleep(delay);
                    fresh.forEach(asked -> workers.answer(asked, "answer to " + asked.question()));
                }
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running.get()) {
                    e.printStackTrace();
                }
            }
        }
    }

    int answeredCount() {
        return answered.size();
    }

    @Override
    public void close() {
        running.set(false);
        loop.interrupt();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.close();
    }
}
