package io.qaflow.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootFilesystemTest {
    @TempDir
    Path temp;

    @Test
    void aWhiteoutDeletesAPathOfTheLayersBelow() throws IOException {
        Path root = root();
        apply(root, new Layer().dir("etc").file("etc/keep", "1").file("etc/gone", "2").dir("opt/old")
                .file("opt/old/x", "3"));
        apply(root, new Layer().file("etc/.wh.gone", "").file("opt/.wh.old", ""));

        assertThat(root.resolve("etc/keep")).hasContent("1");
        assertThat(root.resolve("etc/gone")).doesNotExist();
        assertThat(root.resolve("etc/.wh.gone")).doesNotExist();
        assertThat(root.resolve("opt/old")).doesNotExist();
        assertThat(root.resolve("opt")).isDirectory();
    }

    @Test
    void anOpaqueWhiteoutEmptiesItsDirectoryOfLowerLayersOnly() throws IOException {
        Path root = root();
        apply(root, new Layer().dir("app").file("app/old.jar", "old").dir("app/lib").file("app/lib/a.jar", "a"));
        // this layer's own entry comes before the opaque marker: it must survive
        apply(root, new Layer().dir("app").file("app/new.jar", "new").file("app/.wh..wh..opq", ""));

        assertThat(root.resolve("app/new.jar")).hasContent("new");
        assertThat(root.resolve("app/old.jar")).doesNotExist();
        assertThat(root.resolve("app/lib")).doesNotExist();
        assertThat(root.resolve("app/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void laterLayersReplaceFilesDirectoriesAndLinks() throws IOException {
        Path root = root();
        apply(root, new Layer().file("conf", "file").dir("data").file("data/x", "x").symlink("link", "conf"));
        apply(root, new Layer().dir("conf").file("data", "now a file").symlink("link", "data").file("conf/y", "y"));

        assertThat(root.resolve("conf")).isDirectory();
        assertThat(root.resolve("conf/y")).hasContent("y");
        assertThat(root.resolve("data")).hasContent("now a file");
        assertThat(Files.readSymbolicLink(root.resolve("link"))).isEqualTo(Path.of("data"));
    }

    @Test
    void symbolicLinksResolveInsideTheRootNeverOnTheHost() throws IOException {
        Path root = root();
        Path outside = Files.createDirectories(temp.resolve("host"));
        apply(root, new Layer().dir("usr/lib").symlink("lib", "/usr/lib").symlink("up", "../../../..")
                .symlink("host", outside.toString()));
        apply(root, new Layer().file("lib/libz.so", "z").file("up/etc/passwd", "p").file("host/written", "w")
                .file("../../escaped", "e"));

        assertThat(root.resolve("usr/lib/libz.so")).hasContent("z");
        assertThat(root.resolve("etc/passwd")).hasContent("p");
        assertThat(root.resolve(outside.toString().substring(1)).resolve("written")).hasContent("w");
        assertThat(outside.resolve("written")).doesNotExist();
        assertThat(root.resolve("escaped")).hasContent("e");
        assertThat(temp.resolve("escaped")).doesNotExist();
    }

    @Test
    void hardLinksModesAndOwnersAreKept() throws IOException {
        Path root = root();
        apply(root, new Layer().dir("tmp", 01777, 0).file("bin/tool", "t", 0750, 0).hardlink("bin/again", "bin/tool")
                .dir("home/app", 0700, 10001).file("home/app/own", "o", 0600, 10001));

        assertThat(mode(root.resolve("tmp"))).isEqualTo(01777);
        assertThat(mode(root.resolve("bin/tool"))).isEqualTo(0750);
        assertThat(Files.isSameFile(root.resolve("bin/again"), root.resolve("bin/tool"))).isTrue();
        assertThat(mode(root.resolve("home/app"))).isEqualTo(0700);
        assumeThat(RootFilesystem.runningAsRoot()).as("owners are kept when running as root").isTrue();
        assertThat(Files.getAttribute(root.resolve("home/app"), "unix:uid")).isEqualTo(10001);
        assertThat(Files.getAttribute(root.resolve("home/app/own"), "unix:gid")).isEqualTo(10001);
        assertThat(Files.getAttribute(root.resolve("bin/tool"), "unix:uid")).isEqualTo(0);
    }

    private Path root() throws IOException {
        return Files.createDirectories(temp.resolve("root"));
    }

    private static int mode(Path path) throws IOException {
        return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

    private static void apply(Path root, Layer layer) throws IOException {
        byte[] tar = layer.bytes();
        RootFilesystem.applyLayer(() -> new ByteArrayInputStream(tar), root);
    }

    /** A layer tar written entry by entry, in the given order. */
    static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Layer() {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Layer dir(String name) throws IOException {
            return dir(name, 0755, 0);
        }

        Layer dir(String name, int mode, int owner) throws IOException {
            var entry = new TarArchiveEntry(name + "/");
            return add(entry, mode, owner, null);
        }

        Layer file(String name, String content) throws IOException {
            return file(name, content, 0644, 0);
        }

        Layer file(String name, String content, int mode, int owner) throws IOException {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            var entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            return add(entry, mode, owner, data);
        }

        Layer symlink(String name, String target) throws IOException {
            var entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(target);
            return add(entry, 0777, 0, null);
        }

        Layer hardlink(String name, String target) throws IOException {
            var entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
            entry.setLinkName(target);
            return add(entry, 0644, 0, null);
        }

        private Layer add(TarArchiveEntry entry, int mode, int owner, byte[] data) throws IOException {
            entry.setMode((entry.getMode() & ~07777) | mode);
            entry.setUserId(owner);
            entry.setGroupId(owner);
            tar.putArchiveEntry(entry);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            tar.finish();
            return bytes.toByteArray();
        }
    }
}
