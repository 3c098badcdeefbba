package io.qaflow.gateway.api;

import io.qaflow.web.ProblemException;
import java.util.regex.Pattern;

/** The {@code Idempotency-Key} header: optional; when present, 1 to 255 visible ASCII characters. */
final class IdempotencyKeys {
    static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private IdempotencyKeys() {}

    /** The key, or null when absent; rejects a malformed one. */
    static String validated(String key) {
        if (key == null) {
            return null;
        }
        if (!VALID.matcher(key).matches()) {
            throw ProblemException.invalid(HEADER, "must be 1 to 255 visible ASCII characters");
        }
        return key;
    }
}
