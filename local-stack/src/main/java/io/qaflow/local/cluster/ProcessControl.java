package io.qaflow.local.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the cluster's processes detached from the command that starts them (their own session, so they outlive it
 * and a Ctrl-C in its terminal), each logging to its own file and known by a pid file, and stops or kills them by
 * that pid.
 */
final class ProcessControl {
    private final ClusterLayout layout;

    ProcessControl(ClusterLayout layout) {
        this.layout = layout;
    }

    /** Starts {@code spec} unless it runs already; returns its pid. */
    long start(ProcessSpec spec) {
        Optional<ProcessHandle> running = handle(spec.name());
        if (running.isPresent()) {
            return running.get().pid();
        }
        try {
            Files.createDirectories(layout.logs());
            Files.createDirectories(layout.pids());
            List<String> command = new ArrayList<>();
            command.add("setsid");
            command.addAll(spec.command());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(layout.logOf(spec.name()).toFile()))
                    .redirectInput(Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(spec.environment());
            Process process = builder.start();
            Files.writeString(pidFile(spec.name()), Long.toString(process.pid()), StandardCharsets.UTF_8);
            return process.pid();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name(), e);
        }
    }

    /** The running process of that name, if its pid file names a live process. */
    Optional<ProcessHandle> handle(String name) {
        Path pidFile = pidFile(name);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM, a bounded wait for a clean exit, then SIGKILL. Returns whether it was running. */
    boolean stop(String name, Duration grace) {
        Optional<ProcessHandle> running = handle(name);
        running.ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                process.destroyForcibly();
                awaitExit(process);
            }
        });
        forget(name);
        return running.isPresent();
    }

    /** SIGKILL, as a crash: no shutdown hook runs. Returns the pid killed. */
    long kill(String name) {
        ProcessHandle process = handle(name).orElseThrow(() -> new IllegalStateException(name + " is not running"));
        process.destroyForcibly();
        awaitExit(process);
        forget(name);
        return process.pid();
    }

    private static void awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + process.pid() + " did not exit", e);
        }
    }

    private void forget(String name) {
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pidFile(String name) {
        return layout.pids().resolve(name + ".pid");
    }
}
