package io.qaflow.gateway.access;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * API keys and rate limits of the gateway, under {@code qaflow.gateway.access.*}. No keys: the gateway runs open
 * (and says so at start-up).
 *
 * @param keys the API keys; each secret is configured as the hex SHA-256 of it, never in clear
 * @param defaultRequestsPerMinute the rate of a key that sets none
 * @param burst the most requests a key may make at once (its bucket's size), for keys that set none; unset: the
 *        key's requests per minute
 * @param anonymousRequestsPerMinute without keys, limits all callers together to this rate (bucket
 *        {@code anonymous}, burst as above); unset: no limit without keys. Ignored when keys are configured.
 */
@Validated
@ConfigurationProperties("qaflow.gateway.access")
public record AccessProperties(
        List<ApiKey> keys,
        @DefaultValue("60") @Min(1) @Max(TokenBucket.MAX_RATE) int defaultRequestsPerMinute,
        @Min(1) @Max(TokenBucket.MAX_RATE) Integer burst,
        @Min(1) @Max(TokenBucket.MAX_RATE) Integer anonymousRequestsPerMinute) {

    /** The bucket all callers share when no keys are configured and an anonymous rate is. */
    public static final String ANONYMOUS = "anonymous";

    public AccessProperties {
        keys = keys == null ? List.of() : List.copyOf(keys);
        rate(defaultRequestsPerMinute, "default-requests-per-minute");
        if (burst != null) {
            rate(burst, "burst");
        }
        if (anonymousRequestsPerMinute != null) {
            rate(anonymousRequestsPerMinute, "anonymous-requests-per-minute");
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (ApiKey key : keys) {
            if (!ids.add(key.id())) {
                throw new IllegalArgumentException("qaflow.gateway.access.keys: the id '" + key.id()
                        + "' is used twice");
            }
            if (!hashes.add(key.sha256())) {
                // one secret for two keys: which key a call came from would depend on the order of the list
                throw new IllegalArgumentException("qaflow.gateway.access.keys: '" + key.id()
                        + "' has the same sha256 as another key");
            }
        }
    }

    /** True when no key is configured: no key is asked for. */
    public boolean open() {
        return keys.isEmpty();
    }

    /** The bucket settings of {@code key}. */
    public TokenBucket.Limit limitOf(ApiKey key) {
        int perMinute = key.requestsPerMinute() != null ? key.requestsPerMinute() : defaultRequestsPerMinute;
        return new TokenBucket.Limit(perMinute, key.burst() != null ? key.burst() : burst != null ? burst : perMinute);
    }

    /** The limit all callers share in open mode, if any. */
    public Optional<TokenBucket.Limit> anonymousLimit() {
        if (!open() || anonymousRequestsPerMinute == null) {
            return Optional.empty();
        }
        return Optional.of(new TokenBucket.Limit(anonymousRequestsPerMinute,
                burst != null ? burst : anonymousRequestsPerMinute));
    }

    private static void rate(int value, String name) {
        if (value < 1 || value > TokenBucket.MAX_RATE) {
            throw new IllegalArgumentException("qaflow.gateway.access." + name + " must be 1 to " + TokenBucket.MAX_RATE
                    + ", was " + value);
        }
    }

    /**
     * One API key.
     *
     * @param id names the key in events, metrics, logs and the Redis bucket: 1 to 64 of {@code A-Z a-z 0-9 . _ -}
     * @param sha256 hex SHA-256 of the secret (see {@link ApiKeyHash}); either case
     * @param requestsPerMinute this key's rate; unset: {@code default-requests-per-minute}
     * @param burst this key's bucket size; unset: the common {@code burst}, else its requests per minute
     * @param scopes what the key may do; unset or empty: {@code [ask]}
     */
    public record ApiKey(String id, String sha256, Integer requestsPerMinute, Integer burst, Set<Scope> scopes) {
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
        private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

        public ApiKey {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("qaflow.gateway.access.keys: id must be 1 to 64 of "
                        + "A-Z a-z 0-9 . _ - (was " + (id == null ? "missing" : "'" + id + "'") + ")");
            }
            if (sha256 == null || !SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("qaflow.gateway.access.keys: sha256 of key '" + id
                        + "' must be the 64 hex digits of the secret's SHA-256 (print it with ApiKeyHash), "
                        + "never the secret itself");
            }
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (requestsPerMinute != null) {
                rate(requestsPerMinute, "keys[" + id + "].requests-per-minute");
            }
            if (burst != null) {
                rate(burst, "keys[" + id + "].burst");
            }
            scopes = scopes == null || scopes.isEmpty() ? Set.of(Scope.ASK) : Set.copyOf(scopes);
        }

        /** Whether this key may call endpoints needing {@code scope}. */
        public boolean allows(Scope scope) {
            return scopes.contains(scope);
        }

        @Override
        public String toString() {
            return "ApiKey[id=" + id + ", scopes=" + scopes + "]";
        }
    }
}
