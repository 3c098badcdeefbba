package io.qaflow.answer.prompt;

import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.QaPrompt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The prompt templates this worker knows, by name and version: the built-in ones, plus those {@link #register}ed
 * while the worker runs (the versions read from the prompt registry). Safe to read and extend from any thread; a
 * registered version is found by the next lookup.
 */
public final class PromptCatalog {
    private final Map<String, PromptTemplate> templates = new ConcurrentHashMap<>();
    private final PromptTemplate fallback;
    private final CountDownLatch loaded;
    /** Notified on every registration, for {@link #await}. */
    private final Object registrations = new Object();

    /** What {@link #register} did. */
    public enum Registration { ADDED, UNCHANGED, REPLACED }

    /** @param templates the known templates; the first is used for requests naming an unknown one */
    public PromptCatalog(List<PromptTemplate> templates) {
        this(templates, true);
    }

    private PromptCatalog(List<PromptTemplate> templates, boolean loaded) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("a prompt catalog needs at least one template");
        }
        for (PromptTemplate t : templates) {
            if (this.templates.putIfAbsent(t.id(), t) != null) {
                throw new IllegalArgumentException("prompt " + t.id() + " is defined twice");
            }
        }
        this.fallback = templates.getFirst();
        this.loaded = new CountDownLatch(loaded ? 0 : 1);
    }

    /** The built-in templates only, complete: nothing more is expected. */
    public static PromptCatalog builtIn() {
        return new PromptCatalog(List.of(QaPrompt.V1_0_0));
    }

    /** The built-in templates, with more to come: {@link #isLoaded()} is false until {@link #markLoaded()}. */
    public static PromptCatalog loading() {
        return new PromptCatalog(List.of(QaPrompt.V1_0_0), false);
    }

    /**
     * Adds a version, or replaces the one with the same name and version (the registry's latest record for a key is
     * its value; versions are immutable by contract, so a replacement with a different text is worth a warning).
     */
    public Registration register(PromptTemplate template) {
        PromptTemplate previous = templates.put(template.id(), template);
        synchronized (registrations) {
            registrations.notifyAll();
        }
        if (previous == null) {
            return Registration.ADDED;
        }
        return previous.equals(template) ? Registration.UNCHANGED : Registration.REPLACED;
    }

    public Optional<PromptTemplate> find(String name, String version) {
        return Optional.ofNullable(templates.get(name + "@" + version));
    }

    /** The version, as soon as it is registered, waiting at most {@code timeout}; empty when it was not. */
    public Optional<PromptTemplate> await(String name, String version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (registrations) {
            Optional<PromptTemplate> found = find(name, version);
            for (long left = timeout.toNanos(); found.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(registrations, left);
                found = find(name, version);
            }
            return found;
        }
    }

    public PromptTemplate fallback() {
        return fallback;
    }

    /** How many versions are known, the built-in ones included. */
    public int size() {
        return templates.size();
    }

    /** Says that every version that existed when the worker started has been registered. */
    public void markLoaded() {
        loaded.countDown();
    }

    public boolean isLoaded() {
        return loaded.getCount() == 0;
    }

    /** Waits up to {@code timeout} for {@link #markLoaded()}; true when loaded. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return timeout.isPositive() ? loaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS) : isLoaded();
    }
}
