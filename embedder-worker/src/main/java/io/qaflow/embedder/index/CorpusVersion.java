package io.qaflow.embedder.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order-independent fingerprint of a set of (documentId, eventId) pairs: the XOR of a 64-bit digest of each
 * pair, so adding or removing one document updates it in O(1) and two indexes with the same content agree. Not
 * thread-safe; its owner guards it.
 */
final class CorpusVersion {
    private long fingerprint;

    void add(String documentId, String eventId) {
        fingerprint ^= digest(documentId, eventId);
    }

    void remove(String documentId, String eventId) {
        fingerprint ^= digest(documentId, eventId);
    }

    String value() {
        return HexFormat.of().toHexDigits(fingerprint);
    }

    private static long digest(String documentId, String eventId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((documentId + '\u0000' + eventId).getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                value = (value << 8) | (hash[i] & 0xff);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
