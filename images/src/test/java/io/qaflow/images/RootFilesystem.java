package io.qaflow.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies image layers to a root file system folder as a container runtime does (OCI image spec, "Applying
 * changesets"): whiteouts ({@code .wh.<name>}) delete a path of the layers below, an opaque whiteout
 * ({@code .wh..wh..opq}) empties its directory of them, every other entry replaces what is at its path. Paths are
 * resolved inside the root the way a chroot sees them, so a symbolic link in the image can never lead a write out
 * of the root. Owners are kept when running as root (as {@code tar} does); devices and FIFOs are left to the
 * runtime.
 */
public final class RootFilesystem {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_WHITEOUT = ".wh..wh..opq";
    private static final int MAX_SYMLINK_HOPS = 40;
    private static final boolean ROOT = runningAsRoot();

    /** Opens a layer's uncompressed tar stream; called twice, once for the whiteouts and once for the rest. */
    @FunctionalInterface
    public interface LayerSource {
        InputStream open() throws IOException;
    }

    private RootFilesystem() {}

    public static void applyLayer(LayerSource layer, Path root) throws IOException {
        Path realRoot = root.toRealPath();
        // whiteouts first: they apply to the layers below only, never to entries of this layer, wherever they sit
        try (var in = new TarArchiveInputStream(layer.open())) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String path = clean(entry.getName());
                String name = path.substring(path.lastIndexOf('/') + 1);
                String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
                if (name.equals(OPAQUE_WHITEOUT)) {
                    Path directory = resolve(realRoot, dir, true);
                    if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                        try (var children = Files.list(directory)) {
                            for (Path child : children.toList()) {
                                delete(child);
                            }
                        }
                    }
                } else if (name.startsWith(WHITEOUT_PREFIX)) {
                    Path directory = resolve(realRoot, dir, true);
                    delete(directory.resolve(name.substring(WHITEOUT_PREFIX.length())));
                }
            }
        }
        try (var in = new TarArchiveInputStream(layer.open())) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String path = clean(entry.getName());
                String name = path.substring(path.lastIndexOf('/') + 1);
                if (path.isEmpty() || name.startsWith(WHITEOUT_PREFIX)) {
                    continue;
                }
                Path target = resolve(realRoot, path, false);
                Files.createDirectories(target.getParent());
                if (entry.isDirectory()) {
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        delete(target);
                        Files.createDirectory(target);
                    }
                } else if (entry.isSymbolicLink()) {
                    delete(target);
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    owner(target, entry);
                    continue;
                } else if (entry.isLink()) { // the linked file keeps its own mode and owner
                    Path source = resolve(realRoot, clean(entry.getLinkName()), false);
                    delete(target);
                    Files.createLink(target, source);
                    continue;
                } else if (entry.isFile()) {
                    delete(target);
                    Files.copy(in, target);
                } else {
                    continue; // character and block devices, FIFOs: the runtime provides /dev
                }
                Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
                owner(target, entry);
            }
        }
    }

    private static void owner(Path target, TarArchiveEntry entry) throws IOException {
        if (ROOT) {
            Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * The host path of {@code path} inside {@code root} as a process chrooted there sees it: {@code ..} stops at the
     * root and symbolic links (absolute ones relative to the root) are followed on the way, the last component only
     * when {@code followLast}.
     */
    static Path resolve(Path root, String path, boolean followLast) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> resolved = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String component = todo.pollFirst();
            if (component.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            Path candidate = join(root, resolved).resolve(component);
            if ((followLast || !todo.isEmpty()) && Files.isSymbolicLink(candidate)) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    throw new IOException("too many symbolic links resolving " + path);
                }
                String link = Files.readSymbolicLink(candidate).toString();
                if (link.startsWith("/")) {
                    resolved.clear();
                }
                List<String> parts = components(link);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                continue;
            }
            resolved.add(component);
        }
        return join(root, resolved);
    }

    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static List<String> components(String path) {
        return Arrays.stream(path.split("/")).filter(c -> !c.isEmpty() && !c.equals(".")).toList();
    }

    private static Path join(Path root, List<String> components) {
        Path path = root;
        for (String component : components) {
            path = path.resolve(component);
        }
        return path;
    }

    private static String clean(String entryName) {
        return String.join("/", components(entryName));
    }

    /** Deletes a file, link or directory tree without following links; nothing there is fine. */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException e) {
                    throw new IOException("cannot delete " + dir, e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
