package io.qaflow.images;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An image's entrypoint started from its unpacked root file system the way a container runtime starts it under
 * Kubernetes' restricted settings: in its own mount and PID namespaces (the entrypoint is PID 1), chrooted into the
 * root, as the image's user, with the image's environment and working directory, the root mounted read-only and
 * only {@code /tmp} (a tmpfs, like an emptyDir) and the image's declared volumes writable. {@code /dev} (null,
 * zero, random, …), {@code /proc}, {@code /etc/hosts} and {@code /etc/resolv.conf} are provided as runtimes do. The
 * network is the host's: the process reaches services on 127.0.0.1. Needs root ({@code unshare}, {@code mount}).
 */
public final class ContainerProcess implements AutoCloseable {
    // runs as PID 1 of the new PID namespace, in the new mount namespace, before the chroot
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String SETUP = """
            set -eu
            root=$1 workdir=$2 uid=$3 gid=$4 runtime=$5 volumes=$6 path=$7
            shift 7
            unshare=$(command -v unshare)
            mount --bind "$root" "$root"
            for volume in $volumes; do mount --bind "$root$volume" "$root$volume"; done
            mount -o remount,bind,ro "$root"
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
            mount -t tmpfs -o mode=755,nosuid tmpfs "$root/dev"
            mknod -m 666 "$root/dev/null" c 1 3
            mknod -m 666 "$root/dev/zero" c 1 5
            mknod -m 666 "$root/dev/full" c 1 7
            mknod -m 666 "$root/dev/random" c 1 8
            mknod -m 666 "$root/dev/urandom" c 1 9
            mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
            mount --bind -o ro "$runtime/hosts" "$root/etc/hosts"
            mount --bind -o ro "$runtime/resolv.conf" "$root/etc/resolv.conf"
            PATH=$path
            export PATH
            exec "$unshare" --root="$root" --wd="$workdir" --setgid="$gid" --setuid="$uid" -- "$@"
            """;

    private final Process process;
    private final ProcessHandle entrypoint;
    private final Path log;
    private final User user;
    private final Map<String, String> environment;

    private ContainerProcess(Process process, ProcessHandle entrypoint, Path log, User user,
            Map<String, String> environment) {
        this.process = process;
        this.entrypoint = entrypoint;
        this.log = log;
        this.user = user;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Starts {@code config}'s process in {@code root}; {@code overrides} are added to the image's environment as
     * {@code docker run -e} does. Output goes to {@code log}; {@code runtimeDir} holds the files the runtime mounts.
     */
    public static ContainerProcess start(Path root, OciImage.Config config, Map<String, String> overrides,
            Path runtimeDir, Path log) throws IOException {
        if (!RootFilesystem.runningAsRoot()) {
            throw new IllegalStateException("starting an image from its layers needs root (unshare, mount, chroot);"
                    + " run ./qaflow images as root or with sudo");
        }
        if (config.process().isEmpty()) {
            throw new IllegalArgumentException("the image has neither an entrypoint nor a command");
        }
        Path realRoot = root.toRealPath();
        User user = User.of(config.user(), realRoot);
        // mount points a runtime creates when the image lacks them
        for (String dir : List.of("tmp", "dev", "proc")) {
            Files.createDirectories(realRoot.resolve(dir));
        }
        for (String file : List.of("etc/hosts", "etc/resolv.conf")) {
            Path path = RootFilesystem.resolve(realRoot, file, true);
            Files.createDirectories(path.getParent());
            if (!Files.exists(path)) {
                Files.createFile(path);
            }
        }
        for (String volume : config.volumePaths()) {
            if (volume.isBlank() || volume.chars().anyMatch(Character::isWhitespace) || !volume.startsWith("/")) {
                throw new IllegalArgumentException("unsupported volume path '" + volume + "'");
            }
            Files.createDirectories(RootFilesystem.resolve(realRoot, volume, true));
        }
        Files.createDirectories(runtimeDir);
        String hostname = InetAddress.getLocalHost().getHostName();
        Files.writeString(runtimeDir.resolve("hosts"),
                "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        Path hostResolv = Path.of("/etc/resolv.conf");
        Files.writeString(runtimeDir.resolve("resolv.conf"),
                Files.isReadable(hostResolv) ? Files.readString(hostResolv) : "");

        Map<String, String> environment = new LinkedHashMap<>(config.environment());
        environment.putIfAbsent("HOSTNAME", hostname);
        environment.putIfAbsent("HOME", user.home());
        environment.putAll(overrides);

        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child",
                "--", "/bin/sh", "-c", SETUP, "container-setup", realRoot.toString(),
                config.workingDir() == null || config.workingDir().isBlank() ? "/" : config.workingDir(),
                Integer.toString(user.uid()), Integer.toString(user.gid()), runtimeDir.toRealPath().toString(),
                String.join(" ", config.volumePaths()), environment.getOrDefault("PATH", DEFAULT_PATH)));
        command.addAll(config.process());
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // the container's environment reaches the entrypoint through the execs of the setup; PATH is the host's
        // for the setup and becomes the container's just before the chroot
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("PATH", DEFAULT_PATH);
        Process process = builder.start();
        ProcessHandle child = await("the namespace's first process").atMost(Duration.ofSeconds(10))
                .until(() -> process.toHandle().children().findFirst(),
                        found -> found.isPresent() || !process.isAlive())
                .orElseThrow(() -> new IllegalStateException("unshare exited at once: " + tail(log)));
        return new ContainerProcess(process, child, log, user, environment);
    }

    /**
     * Runs {@code command} inside the running container (its mount and PID namespaces and root, its user and
     * environment), as {@code docker exec} does — e.g. a health check command; returns its exit code.
     */
    public int exec(String... command) throws IOException, InterruptedException {
        List<String> nsenter = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid()), "--mount",
                "--pid", "--root", "--wd", "--setgid", Integer.toString(user.gid()), "--setuid",
                Integer.toString(user.uid()), "--"));
        nsenter.addAll(List.of(command));
        var builder = new ProcessBuilder(nsenter).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process exec = builder.start();
        if (!exec.waitFor(30, TimeUnit.SECONDS)) {
            exec.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
        }
        return exec.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The entrypoint's host process id (PID 1 inside). */
    public long pid() {
        return entrypoint.pid();
    }

    /** A line of the entrypoint's {@code /proc/<pid>/status}, e.g. {@code Uid} or {@code Groups}. */
    public Optional<String> status(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).strip())
                .findFirst();
    }

    /** The entrypoint's command line as it runs now. */
    public List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid()), "cmdline"));
        return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    /** Everything the process has printed so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    public String logTail() {
        return tail(log);
    }

    public String describeExit() {
        return process.isAlive() ? "still running" : "exited with " + process.exitValue() + "; output:\n" + logTail();
    }

    /** SIGTERM to the entrypoint (as {@code docker stop} does), SIGKILL after 30 s. */
    @Override
    public void close() throws IOException {
        if (entrypoint.isAlive()) {
            entrypoint.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                entrypoint.destroyForcibly();
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            entrypoint.destroyForcibly();
            process.destroyForcibly();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** The image's user: numeric {@code uid[:gid]} or names from the root's /etc/passwd and /etc/group. */
    record User(int uid, int gid, String home) {
        static User of(String spec, Path root) throws IOException {
            String value = spec == null || spec.isBlank() ? "0" : spec;
            String name = value.contains(":") ? value.substring(0, value.indexOf(':')) : value;
            String group = value.contains(":") ? value.substring(value.indexOf(':') + 1) : null;
            List<String[]> passwd = entries(root.resolve("etc/passwd"));
            String[] account = passwd.stream()
                    .filter(e -> e.length >= 6 && (e[0].equals(name) || e[2].equals(name)))
                    .findFirst().orElse(null);
            int uid = name.matches("\\d+") ? Integer.parseInt(name) : account != null ? Integer.parseInt(account[2])
                    : fail("user " + name + " is not in the image's /etc/passwd");
            int gid;
            if (group == null) {
                gid = account != null ? Integer.parseInt(account[3]) : uid;
            } else if (group.matches("\\d+")) {
                gid = Integer.parseInt(group);
            } else {
                gid = entries(root.resolve("etc/group")).stream().filter(e -> e.length >= 3 && e[0].equals(group))
                        .findFirst().map(e -> Integer.parseInt(e[2]))
                        .orElseGet(() -> fail("group " + group + " is not in the image's /etc/group"));
            }
            return new User(uid, gid, account != null ? account[5] : "/");
        }

        private static List<String[]> entries(Path file) throws IOException {
            return Files.isRegularFile(file)
                    ? Files.readAllLines(file).stream().map(line -> line.split(":", -1)).toList()
                    : List.of();
        }

        private static int fail(String message) {
            throw new IllegalArgumentException(message);
        }
    }
}
