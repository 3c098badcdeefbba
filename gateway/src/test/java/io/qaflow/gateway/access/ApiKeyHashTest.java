package io.qaflow.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyHashTest {

    @Test
    void theHashIsTheLowerCaseHexSha256OfTheUtf8Secret() {
        // FIPS 180-2 test vector
        assertThat(ApiKeyHash.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeyHash.sha256Hex("é")).isEqualTo(ApiKeyHash.sha256Hex("\u00e9")).hasSize(64);
    }

    @Test
    void aSecretMustFitABearerHeader() {
        assertThat(ApiKeyHash.isSendable("qf_live_Ab-1._~+/==")).isTrue();
        assertThat(ApiKeyHash.isSendable("")).isFalse();
        assertThat(ApiKeyHash.isSendable(null)).isFalse();
        assertThat(ApiKeyHash.isSendable("two words")).isFalse();
        assertThat(ApiKeyHash.isSendable("a=b")).isFalse();
        assertThat(ApiKeyHash.isSendable("é")).isFalse();
        assertThat(ApiKeyHash.isSendable("x".repeat(ApiKeyHash.MAX_SECRET_LENGTH))).isTrue();
        assertThat(ApiKeyHash.isSendable("x".repeat(ApiKeyHash.MAX_SECRET_LENGTH + 1))).isFalse();
    }

    @Test
    void generatedSecretsAreSendableLongAndDifferent() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String secret = ApiKeyHash.newSecret();
            assertThat(secret).hasSize(43);
            assertThat(ApiKeyHash.isSendable(secret)).isTrue();
            secrets.add(secret);
        }
        assertThat(secrets).hasSize(100);
    }

    @Test
    void aKeyIsFoundByItsSecretOnly() {
        AccessProperties properties = new AccessProperties(java.util.List.of(
                new AccessProperties.ApiKey("a", ApiKeyHash.sha256Hex("secret-a"), null, null, null),
                new AccessProperties.ApiKey("b", ApiKeyHash.sha256Hex("secret-b").toUpperCase(), null, null, null)),
                60, null, null);
        ApiKeys keys = new ApiKeys(properties);

        assertThat(keys.open()).isFalse();
        assertThat(keys.authenticate("secret-a")).map(AccessProperties.ApiKey::id).contains("a");
        assertThat(keys.authenticate("secret-b")).map(AccessProperties.ApiKey::id).contains("b");
        assertThat(keys.authenticate("secret-c")).isEmpty();
        assertThat(keys.authenticate(ApiKeyHash.sha256Hex("secret-a"))).as("the hash is not the secret").isEmpty();
        assertThat(new ApiKeys(new AccessProperties(null, 60, null, null)).open()).isTrue();
    }
}
