package io.qaflow.gateway.access;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys, found by secret: the presented secret's SHA-256 is compared with every configured hash in
 * constant time ({@link MessageDigest#isEqual}), all of them every time, so neither the timing of a comparison nor
 * the position of a key in the list tells an attacker anything. Secrets are never kept, logged or compared in clear.
 */
public final class ApiKeys {
    private record Entry(AccessProperties.ApiKey key, byte[] sha256) {}

    private final List<Entry> entries;

    public ApiKeys(AccessProperties properties) {
        this.entries = properties.keys().stream()
                .map(key -> new Entry(key, HexFormat.of().parseHex(key.sha256())))
                .toList();
    }

    /** True when no key is configured. */
    public boolean open() {
        return entries.isEmpty();
    }

    /** The key whose secret is {@code secret}; empty for an unknown secret. */
    public Optional<AccessProperties.ApiKey> authenticate(String secret) {
        byte[] presented = ApiKeyHash.sha256(secret);
        AccessProperties.ApiKey found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.sha256(), presented)) {
                found = entry.key();
            }
        }
        return Optional.ofNullable(found);
    }
}
