package io.qaflow.controller.prompt;

import io.qaflow.controller.ControllerMetrics;
import io.qaflow.controller.ExperimentService.NotReadyException;
import io.qaflow.kafka.EventPublisher;
import io.qaflow.controller.state.ExperimentStore;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.kafka.Topics;
import io.qaflow.model.prompt.PromptValidation;
import io.qaflow.model.prompt.QaPrompt;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompt registry on the compacted {@code qa.prompts.v1}: registers versions (immutable; validated as the answer
 * worker would render them), moves a name's default, and answers what is registered from the controller's memory of
 * the topic. Every write is acknowledged by the broker before it is applied in memory. Writes are serialized by one
 * lock. Blocking.
 */
public final class PromptRegistry {
    private static final Logger log = LoggerFactory.getLogger(PromptRegistry.class);

    private final ExperimentStore store;
    private final EventPublisher publisher;
    private final ControllerMetrics metrics;
    private final Clock clock;
    private final Object lock = new Object();

    public PromptRegistry(ExperimentStore store, EventPublisher publisher, ControllerMetrics metrics, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** What a registration did. */
    public record Registration(PromptVersion version, boolean created, boolean madeDefault, String defaultVersion) {}

    /** A name with its versions (ascending) and default version (null when it has none). */
    public record Entry(String name, String defaultVersion, List<PromptVersion> versions) {}

    /**
     * Registers {@code name@version}: validated first ({@link io.qaflow.model.prompt.InvalidPromptException}); the
     * same texts again is a no-op; other texts under an existing version are a {@link VersionConflictException}. The
     * first version of a name becomes its default.
     */
    public Registration register(String name, String version, String system, String user, String author,
                                 String description) {
        ready();
        PromptVersion candidate = PromptVersion.of(name, version, system, user, author, description,
                TokenEstimate.of(system, user), clock.instant());
        PromptValidation.validate(candidate);
        synchronized (lock) {
            return register(candidate, "first_version");
        }
    }

    /** Makes an existing version the default of its name; a no-op when it already is. */
    public DefaultChange makeDefault(String name, String version, String cause) {
        ready();
        synchronized (lock) {
            Entry entry = entry(name).orElseThrow(() -> new UnknownPromptException(name, null));
            PromptVersion target = entry.versions().stream().filter(v -> v.version().equals(version)).findFirst()
                    .orElseThrow(() -> new UnknownPromptException(name, version));
            String previous = entry.defaultVersion();
            if (version.equals(previous)) {
                return new DefaultChange(name, version, previous, false);
            }
            publishDefault(target, cause);
            return new DefaultChange(name, version, previous, true);
        }
    }

    /** A change of a name's default: {@code changed} false when it already was that version. */
    public record DefaultChange(String name, String defaultVersion, String previousVersion, boolean changed) {}

    public List<Entry> list() {
        ready();
        TreeSet<String> names = new TreeSet<>();
        store.prompts().values().forEach(p -> names.add(p.name()));
        return names.stream().map(this::entry).flatMap(Optional::stream).toList();
    }

    /** The name's registered versions and default; empty when it has neither. */
    public Optional<Entry> find(String name) {
        ready();
        return entry(name);
    }

    public Optional<PromptVersion> find(String name, String version) {
        ready();
        return store.prompt(PromptVersion.versionKey(name, version));
    }

    public boolean isRegistered(String name, String version) {
        ready();
        return store.prompt(PromptVersion.versionKey(name, version)).isPresent();
    }

    /**
     * Once caught up: registers the built-in {@link QaPrompt#V1_0_0} as {@code qa-answer@1.0.0} when the topic lacks
     * it, and makes it the default when {@code qa-answer} has none, so a fresh stack can roll back to it. A failure
     * is logged: the version can still be registered through the API.
     */
    public void seed() {
        try {
            synchronized (lock) {
                var builtIn = QaPrompt.V1_0_0;
                if (store.prompt(PromptVersion.versionKey(builtIn.name(), builtIn.version())).isEmpty()) {
                    register(PromptVersion.of(builtIn.name(), builtIn.version(), builtIn.system(), builtIn.user(),
                            "system:built-in", "the built-in question-answering prompt",
                            TokenEstimate.of(builtIn.system(), builtIn.user()), clock.instant()), "seed");
                    log.info("registered the built-in prompt {} on {}", builtIn.id(), Topics.PROMPTS.name());
                } else if (store.prompt(PromptVersion.defaultKey(builtIn.name())).isEmpty()) {
                    publishDefault(store.prompt(PromptVersion.versionKey(builtIn.name(), builtIn.version()))
                            .orElseThrow(), "seed");
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not register the built-in prompt {}: {}", QaPrompt.V1_0_0.id(), e.toString());
        }
    }

    private Registration register(PromptVersion candidate, String defaultCause) {
        String key = PromptVersion.versionKey(candidate.name(), candidate.version());
        Optional<PromptVersion> existing = store.prompt(key);
        String currentDefault = store.prompt(PromptVersion.defaultKey(candidate.name())).map(PromptVersion::version)
                .orElse(null);
        if (existing.isPresent()) {
            if (existing.get().system().equals(candidate.system()) && existing.get().user().equals(candidate.user())) {
                return new Registration(existing.get(), false, false, currentDefault);
            }
            throw new VersionConflictException(key);
        }
        publish(key, candidate);
        metrics.promptRegistered();
        if (currentDefault == null) {
            publishDefault(candidate, defaultCause);
            return new Registration(candidate, true, true, candidate.version());
        }
        return new Registration(candidate, true, false, currentDefault);
    }

    private void publishDefault(PromptVersion version, String cause) {
        publish(PromptVersion.defaultKey(version.name()), version.asDefault(clock.instant()));
        metrics.promptDefaultChanged(cause);
        log.info("{} is now the default of {} ({})", version.version(), version.name(), cause);
    }

    private void publish(String key, PromptVersion record) {
        store.applyOwnPrompt(key, record, publisher.publishAndAwait(Topics.PROMPTS, key, record).offset());
    }

    private Optional<Entry> entry(String name) {
        TreeMap<String, PromptVersion> versions = new TreeMap<>(SemanticVersions.ORDER);
        PromptVersion defaultRecord = null;
        for (Map.Entry<String, PromptVersion> e : store.prompts().entrySet()) {
            if (!e.getValue().name().equals(name)) {
                continue;
            }
            if (PromptVersion.isVersionKey(e.getKey())) {
                versions.put(e.getValue().version(), e.getValue());
            } else {
                defaultRecord = e.getValue();
            }
        }
        if (versions.isEmpty() && defaultRecord == null) {
            return Optional.empty();
        }
        return Optional.of(new Entry(name, defaultRecord == null ? null : defaultRecord.version(),
                List.copyOf(versions.values())));
    }

    private void ready() {
        if (!store.caughtUp()) {
            throw new NotReadyException();
        }
    }

    /** {@code name@version} exists with other texts; versions are immutable. */
    public static final class VersionConflictException extends RuntimeException {
        private final String versionKey;

        public VersionConflictException(String versionKey) {
            super(versionKey + " is already registered with other texts; versions are immutable, register a new "
                    + "version", null, false, false);
            this.versionKey = versionKey;
        }

        public String versionKey() {
            return versionKey;
        }
    }

    /** An unknown prompt name, or (with a version) an unknown version of a known name. */
    public static final class UnknownPromptException extends RuntimeException {
        private final String name;
        private final String version;

        public UnknownPromptException(String name, String version) {
            super(version == null ? "no prompt " + name + " is registered"
                    : "prompt " + name + " has no version " + version, null, false, false);
            this.name = name;
            this.version = version;
        }

        public String name() {
            return name;
        }

        public String version() {
            return version;
        }
    }
}
