package io.qaflow.images;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image tar in the OCI image layout (what {@code jib:buildTar} writes with {@code <format>OCI</format>}): the
 * index, its one manifest, the image configuration and the layers, every blob checked against its digest.
 */
public final class OciImage {
    static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final JsonMapper JSON =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** The runtime part of the image configuration ({@code config} in the OCI image config). */
    public record Config(
            @JsonProperty("User") String user,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("Volumes") Map<String, Object> volumes) {
        public Config {
            entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
            cmd = cmd == null ? List.of() : List.copyOf(cmd);
            env = env == null ? List.of() : List.copyOf(env);
            exposedPorts = exposedPorts == null ? Map.of() : Map.copyOf(exposedPorts);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
        }

        /** The environment as a map, in the image's order. */
        public Map<String, String> environment() {
            Map<String, String> map = new LinkedHashMap<>();
            for (String entry : env) {
                int eq = entry.indexOf('=');
                map.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
            return map;
        }

        /** The process a runtime starts: the entrypoint followed by the command. */
        public List<String> process() {
            return java.util.stream.Stream.concat(entrypoint.stream(), cmd.stream()).toList();
        }

        public Set<String> ports() {
            return exposedPorts.keySet();
        }

        public Set<String> volumePaths() {
            return volumes.keySet();
        }
    }

    record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {}

    record Index(List<Descriptor> manifests) {}

    record Manifest(Descriptor config, List<Descriptor> layers) {}

    record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {}

    record ImageConfiguration(String architecture, String os, Config config, RootFs rootfs) {}

    private final Path layout;
    private final String reference;
    private final ImageConfiguration configuration;
    private final List<Descriptor> layers;

    private OciImage(Path layout, String reference, ImageConfiguration configuration, List<Descriptor> layers) {
        this.layout = layout;
        this.reference = reference;
        this.configuration = configuration;
        this.layers = layers;
    }

    /** Unpacks {@code imageTar} into {@code layout} (an empty or new directory) and reads it. */
    public static OciImage read(Path imageTar, Path layout) throws IOException {
        Files.createDirectories(layout);
        try (var in = new TarArchiveInputStream(Files.newInputStream(imageTar))) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path target = layout.resolve(entry.getName()).normalize();
                if (!target.startsWith(layout)) {
                    throw new IOException(imageTar + ": entry outside the layout: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        if (!Files.isRegularFile(layout.resolve("oci-layout"))) {
            throw new IOException(imageTar + " is not an OCI image layout (no oci-layout file)");
        }
        Index index = JSON.readValue(Files.readAllBytes(layout.resolve("index.json")), Index.class);
        if (index.manifests() == null || index.manifests().size() != 1) {
            throw new IOException(imageTar + ": expected one manifest in index.json, found " + index.manifests());
        }
        Descriptor manifestDescriptor = index.manifests().getFirst();
        Manifest manifest = JSON.readValue(blob(layout, manifestDescriptor), Manifest.class);
        ImageConfiguration configuration =
                JSON.readValue(blob(layout, manifest.config()), ImageConfiguration.class);
        for (Descriptor layer : manifest.layers()) {
            verify(layout, layer);
        }
        if (configuration.rootfs() == null || configuration.rootfs().diffIds().size() != manifest.layers().size()) {
            throw new IOException(imageTar + ": " + manifest.layers().size() + " layers, but the configuration's"
                    + " rootfs lists " + (configuration.rootfs() == null ? "none" : configuration.rootfs().diffIds()));
        }
        Map<String, String> annotations = Objects.requireNonNullElse(manifestDescriptor.annotations(), Map.of());
        return new OciImage(layout, annotations.get("org.opencontainers.image.ref.name"), configuration,
                List.copyOf(manifest.layers()));
    }

    /** The image name and tag recorded in the index ({@code org.opencontainers.image.ref.name}). */
    public String reference() {
        return reference;
    }

    public String architecture() {
        return configuration.architecture();
    }

    public String os() {
        return configuration.os();
    }

    public Config config() {
        return configuration.config();
    }

    public int layerCount() {
        return layers.size();
    }

    /**
     * Applies every layer in order to {@code root} (see {@link RootFilesystem}), checking each uncompressed layer
     * against its diff id in the configuration.
     */
    public void unpack(Path root) throws IOException {
        Files.createDirectories(root);
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            Path file = blobPath(layout, layer.digest());
            boolean gzip = switch (layer.mediaType()) {
                case LAYER_GZIP, "application/vnd.docker.image.rootfs.diff.tar.gzip" -> true;
                case LAYER_TAR -> false;
                default -> throw new IOException("unsupported layer media type " + layer.mediaType());
            };
            RootFilesystem.applyLayer(() -> gzip ? new GZIPInputStream(Files.newInputStream(file), 1 << 16)
                    : Files.newInputStream(file), root);
            String diffId = "sha256:" + sha256(gzip ? new GZIPInputStream(Files.newInputStream(file), 1 << 16)
                    : Files.newInputStream(file));
            String expected = configuration.rootfs().diffIds().get(i);
            if (!diffId.equals(expected)) {
                throw new IOException("layer " + layer.digest() + " unpacks to " + diffId + ", the configuration"
                        + " says " + expected);
            }
        }
    }

    private static byte[] blob(Path layout, Descriptor descriptor) throws IOException {
        verify(layout, descriptor);
        return Files.readAllBytes(blobPath(layout, descriptor.digest()));
    }

    private static void verify(Path layout, Descriptor descriptor) throws IOException {
        Path file = blobPath(layout, descriptor.digest());
        if (!Files.isRegularFile(file)) {
            throw new IOException("blob " + descriptor.digest() + " is missing from the layout");
        }
        if (Files.size(file) != descriptor.size()) {
            throw new IOException("blob " + descriptor.digest() + " has " + Files.size(file) + " bytes, its"
                    + " descriptor says " + descriptor.size());
        }
        String actual = "sha256:" + sha256(Files.newInputStream(file));
        if (!actual.equals(descriptor.digest())) {
            throw new IOException("blob " + descriptor.digest() + " hashes to " + actual);
        }
    }

    private static Path blobPath(Path layout, String digest) throws IOException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("unsupported digest " + digest);
        }
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String sha256(InputStream stream) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var in = new DigestInputStream(stream, digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
