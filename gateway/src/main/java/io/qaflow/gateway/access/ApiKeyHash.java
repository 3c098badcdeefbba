package io.qaflow.gateway.access;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Prints the {@code sha256} to configure for an API key secret. Needs only the JDK, so it runs from the plain jar:
 * <pre>
 * java -cp gateway/target/gateway-0.1.0-SNAPSHOT.jar io.qaflow.gateway.access.ApiKeyHash --generate
 * printf %s "$SECRET" | java -cp gateway/target/gateway-0.1.0-SNAPSHOT.jar io.qaflow.gateway.access.ApiKeyHash
 * </pre>
 * {@code --generate} makes a new random secret and prints it with its hash; otherwise the secret is the argument,
 * or the first line of standard input (which keeps it out of the shell history).
 */
public final class ApiKeyHash {
    /** RFC 7235 token68: what may follow {@code Bearer }. */
    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    /** Longest secret accepted; a longer Authorization header is refused without hashing it. */
    static final int MAX_SECRET_LENGTH = 512;
    static final int MIN_GENERATED_BYTES = 32;

    private ApiKeyHash() {}

    /** Lower-case hex of the SHA-256 of {@code secret} (UTF-8): the value of {@code keys[].sha256}. */
    public static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code secret} can be sent as {@code Authorization: Bearer <secret>}. */
    public static boolean isSendable(String secret) {
        return secret != null && secret.length() <= MAX_SECRET_LENGTH && TOKEN68.matcher(secret).matches();
    }

    /** A new secret: 32 random bytes, base64url without padding (43 characters). */
    public static String newSecret() {
        byte[] bytes = new byte[MIN_GENERATED_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--generate")) {
            String secret = newSecret();
            System.out.println("secret: " + secret);
            System.out.println("sha256: " + sha256Hex(secret));
            return;
        }
        if (args.length > 1 || args.length == 1 && args[0].startsWith("--")) {
            System.err.println("usage: ApiKeyHash [--generate | <secret>]   (no argument: the secret is read from stdin)");
            System.exit(2);
        }
        String secret = args.length == 1 ? args[0] : firstLine();
        if (!isSendable(secret)) {
            System.err.println("a secret must be 1 to " + MAX_SECRET_LENGTH
                    + " of A-Z a-z 0-9 - . _ ~ + / (then optional '=' padding) to fit a Bearer header");
            System.exit(2);
        }
        System.out.println(sha256Hex(secret));
    }

    private static String firstLine() throws IOException {
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? null : line.strip();
    }
}
