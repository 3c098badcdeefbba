package io.qaflow.local.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** {@code <data dir>/cluster.properties}: what a cluster keeps about itself across down/up (its id, its base port). */
final class ClusterFile {
    private final Path file;

    ClusterFile(Path dataDir) {
        this.file = dataDir.resolve("cluster.properties");
    }

    Optional<String> get(String key) {
        return Optional.ofNullable(load().getProperty(key));
    }

    void put(String key, String value) {
        Properties properties = load();
        properties.setProperty(key, value);
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                properties.store(out, "qaflow local cluster");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private Properties load() {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return properties;
    }
}
