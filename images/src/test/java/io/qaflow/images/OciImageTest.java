package io.qaflow.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciImageTest {
    @TempDir
    Path temp;

    @Test
    void readsTheConfigurationAndUnpacksTheLayersOfAnImageTar() throws IOException {
        byte[] layer = new RootFilesystemTest.Layer().dir("app").file("app/hello.txt", "hi").bytes();
        Path tar = imageTar(gzip(layer), "sha256:" + sha256(layer));

        OciImage image = OciImage.read(tar, temp.resolve("layout"));

        assertThat(image.reference()).isEqualTo("qaflow/demo:1.0");
        assertThat(image.layerCount()).isEqualTo(1);
        OciImage.Config config = image.config();
        assertThat(config.user()).isEqualTo("10001:10001");
        assertThat(config.process()).containsExactly("java", "-cp", "/app", "Main", "--serve");
        assertThat(config.environment()).containsEntry("PATH", "/bin").containsEntry("EMPTY", "");
        assertThat(config.ports()).containsExactly("8080/tcp");
        assertThat(config.labels()).containsEntry("org.opencontainers.image.version", "1.0");
        image.unpack(temp.resolve("root"));
        assertThat(temp.resolve("root/app/hello.txt")).hasContent("hi");
    }

    @Test
    void aLayerThatDoesNotMatchItsDigestIsRefused() throws IOException {
        byte[] layer = new RootFilesystemTest.Layer().file("a", "original").bytes();
        byte[] compressed = gzip(layer);
        byte[] tampered = gzip(new RootFilesystemTest.Layer().file("a", "tampered").bytes());
        Path tar = imageTar(compressed, "sha256:" + sha256(layer), tampered);

        assertThatThrownBy(() -> OciImage.read(tar, temp.resolve("layout")))
                .isInstanceOf(IOException.class).hasMessageContaining("blob sha256:" + sha256(compressed));
    }

    @Test
    void aLayerThatDoesNotUnpackToItsDiffIdIsRefused() throws IOException {
        byte[] layer = new RootFilesystemTest.Layer().file("a", "original").bytes();
        Path tar = imageTar(gzip(layer), "sha256:" + "0".repeat(64));

        OciImage image = OciImage.read(tar, temp.resolve("layout"));

        assertThatThrownBy(() -> image.unpack(temp.resolve("root")))
                .isInstanceOf(IOException.class).hasMessageContaining("the configuration says sha256:000");
    }

    private Path imageTar(byte[] compressed, String diffId) throws IOException {
        return imageTar(compressed, diffId, compressed);
    }

    /** A one-layer OCI image tar as jib:buildTar writes it; {@code stored} is what the layer's blob holds. */
    private Path imageTar(byte[] compressed, String diffId, byte[] stored) throws IOException {
        byte[] config = ("""
                {"architecture":"amd64","os":"linux","config":{"User":"10001:10001","Env":["PATH=/bin","EMPTY="],
                "Entrypoint":["java","-cp","/app","Main"],"Cmd":["--serve"],"ExposedPorts":{"8080/tcp":{}},
                "Labels":{"org.opencontainers.image.version":"1.0"}},"rootfs":{"type":"layers","diff_ids":["%s"]}}
                """.formatted(diffId)).getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},
                "layers":[{"mediaType":"%s","digest":"sha256:%s","size":%d}]}
                """.formatted(sha256(config), config.length, OciImage.LAYER_GZIP, sha256(compressed),
                compressed.length)).getBytes(StandardCharsets.UTF_8);
        byte[] index = ("""
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
                "digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"qaflow/demo:1.0"}}]}
                """.formatted(sha256(manifest), manifest.length)).getBytes(StandardCharsets.UTF_8);
        Path tar = temp.resolve("image.tar");
        try (var out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            put(out, "oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            put(out, "index.json", index);
            put(out, "blobs/sha256/" + sha256(manifest), manifest);
            put(out, "blobs/sha256/" + sha256(config), config);
            put(out, "blobs/sha256/" + sha256(compressed), stored);
        }
        return tar;
    }

    private static void put(TarArchiveOutputStream out, String name, byte[] data) throws IOException {
        var entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        out.putArchiveEntry(entry);
        out.write(data);
        out.closeArchiveEntry();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
