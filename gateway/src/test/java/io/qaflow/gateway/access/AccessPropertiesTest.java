package io.qaflow.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The keys as Spring Boot binds them from gateway.yml or the environment. */
class AccessPropertiesTest {
    private static final String HASH_A = ApiKeyHash.sha256Hex("secret-a");
    private static final String HASH_B = ApiKeyHash.sha256Hex("secret-b");

    private static AccessProperties bind(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((key, value) -> prefixed.put("qaflow.gateway.access." + key, value));
        return new Binder(new MapConfigurationPropertySource(prefixed))
                .bindOrCreate("qaflow.gateway.access", AccessProperties.class);
    }

    @Test
    void withoutKeysTheGatewayIsOpenAndUnlimitedUnlessAnAnonymousRateIsSet() {
        AccessProperties none = bind(Map.of());
        assertThat(none.open()).isTrue();
        assertThat(none.keys()).isEmpty();
        assertThat(none.defaultRequestsPerMinute()).isEqualTo(60);
        assertThat(none.anonymousLimit()).isEmpty();

        assertThat(bind(Map.of("anonymous-requests-per-minute", "30")).anonymousLimit())
                .contains(new TokenBucket.Limit(30, 30));
        assertThat(bind(Map.of("anonymous-requests-per-minute", "30", "burst", "5")).anonymousLimit())
                .contains(new TokenBucket.Limit(30, 5));
    }

    @Test
    void keysBindWithTheirDefaults() {
        AccessProperties properties = bind(Map.of(
                "keys[0].id", "mobile-app",
                "keys[0].sha256", HASH_A.toUpperCase(),
                "keys[1].id", "ingest.bot",
                "keys[1].sha256", HASH_B,
                "keys[1].requests-per-minute", "600",
                "keys[1].scopes", "ask,documents",
                "default-requests-per-minute", "40"));

        assertThat(properties.open()).isFalse();
        AccessProperties.ApiKey app = properties.keys().get(0);
        assertThat(app.id()).isEqualTo("mobile-app");
        assertThat(app.sha256()).isEqualTo(HASH_A);
        assertThat(app.scopes()).containsExactly(Scope.ASK);
        assertThat(properties.limitOf(app)).isEqualTo(new TokenBucket.Limit(40, 40));
        AccessProperties.ApiKey bot = properties.keys().get(1);
        assertThat(bot.scopes()).isEqualTo(Set.of(Scope.ASK, Scope.DOCUMENTS));
        assertThat(bot.allows(Scope.DOCUMENTS)).isTrue();
        assertThat(bot.allows(Scope.ADMIN)).isFalse();
        assertThat(properties.limitOf(bot)).isEqualTo(new TokenBucket.Limit(600, 600));
        // keys exist: nobody is anonymous
        assertThat(bind(Map.of("keys[0].id", "a", "keys[0].sha256", HASH_A, "anonymous-requests-per-minute", "5"))
                .anonymousLimit()).isEmpty();
    }

    @Test
    void burstComesFromTheKeyElseTheCommonSettingElseTheRate() {
        AccessProperties properties = bind(Map.of(
                "burst", "10",
                "keys[0].id", "a", "keys[0].sha256", HASH_A, "keys[0].requests-per-minute", "120",
                "keys[1].id", "b", "keys[1].sha256", HASH_B, "keys[1].burst", "3",
                "keys[1].scopes[0]", "ADMIN"));

        assertThat(properties.limitOf(properties.keys().get(0))).isEqualTo(new TokenBucket.Limit(120, 10));
        assertThat(properties.limitOf(properties.keys().get(1))).isEqualTo(new TokenBucket.Limit(60, 3));
        assertThat(properties.keys().get(1).scopes()).containsExactly(Scope.ADMIN);
    }

    @Test
    void aSecretConfiguredInClearIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> bind(Map.of("keys[0].id", "a", "keys[0].sha256", "my-plain-secret")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("sha256 of key 'a' must be the 64 hex digits")
                .hasMessageNotContaining("my-plain-secret");
    }

    @Test
    void badKeysAreRefusedAtStartUp() {
        assertRefused(Map.of("keys[0].sha256", HASH_A), "id must be 1 to 64");
        assertRefused(Map.of("keys[0].id", "a b", "keys[0].sha256", HASH_A), "id must be 1 to 64");
        assertRefused(Map.of("keys[0].id", "a", "keys[0].sha256", HASH_A,
                "keys[1].id", "a", "keys[1].sha256", HASH_B), "the id 'a' is used twice");
        assertRefused(Map.of("keys[0].id", "a", "keys[0].sha256", HASH_A,
                "keys[1].id", "b", "keys[1].sha256", HASH_A.toUpperCase()), "'b' has the same sha256");
        assertRefused(Map.of("keys[0].id", "a", "keys[0].sha256", HASH_A, "keys[0].requests-per-minute", "0"),
                "keys[a].requests-per-minute must be 1 to 1000000");
        assertRefused(Map.of("default-requests-per-minute", "0"), "default-requests-per-minute must be 1");
        assertRefused(Map.of("burst", "1000001"), "burst must be 1");
        assertThatThrownBy(() -> bind(Map.of("keys[0].id", "a", "keys[0].sha256", HASH_A,
                "keys[0].scopes", "ask,everything"))).isInstanceOf(BindException.class);
    }

    private static void assertRefused(Map<String, String> values, String message) {
        assertThatThrownBy(() -> bind(values)).isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining(message);
    }

    @Test
    void aKeyPrintsWithoutItsHash() {
        AccessProperties.ApiKey key = new AccessProperties.ApiKey("a", HASH_A, null, null, null);
        assertThat(key.toString()).doesNotContain(HASH_A).contains("a");
    }
}
