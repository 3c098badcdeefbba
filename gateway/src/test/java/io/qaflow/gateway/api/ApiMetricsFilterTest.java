package io.qaflow.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class ApiMetricsFilterTest {
    @Test
    void standardMethodsAreTaggedByNameAndAnyOtherAsOther() {
        assertThat(ApiMetricsFilter.methodTag(HttpMethod.POST)).isEqualTo("POST");
        assertThat(ApiMetricsFilter.methodTag(HttpMethod.valueOf("DELETE"))).isEqualTo("DELETE");
        assertThat(ApiMetricsFilter.methodTag(HttpMethod.valueOf("BREW"))).isEqualTo("OTHER");
        assertThat(ApiMetricsFilter.methodTag(HttpMethod.valueOf("X-" + System.nanoTime()))).isEqualTo("OTHER");
    }
}
