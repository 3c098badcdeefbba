package io.qaflow.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.RequestPath;

class EndpointAccessTest {

    @ParameterizedTest(name = "{0} {1} -> {2}, limited {3}")
    @CsvSource({
            // public
            "GET,    /actuator/health/readiness,        PUBLIC,    false",
            "GET,    /actuator/prometheus,              PUBLIC,    false",
            "GET,    /actuator,                         PUBLIC,    false",
            "GET,    /v3/api-docs,                      PUBLIC,    false",
            "GET,    /v3/api-docs.yaml,                 PUBLIC,    false",
            "GET,    /v3/api-docs/swagger-config,       PUBLIC,    false",
            // questions
            "POST,   /v1/ask,                           ASK,       true",
            "POST,   /v1/requests,                      ASK,       true",
            "GET,    /v1/requests/abc,                  ASK,       false",
            "GET,    /v1/requests/abc/events,           ASK,       false",
            "POST,   /v1/requests/abc/feedback,         ASK,       false",
            "GET,    /v1/ask,                           ASK,       false",
            // documents: adding and deleting
            "POST,   /v1/documents,                     DOCUMENTS, true",
            "DELETE, /v1/documents/Super_Bowl_50-p0,    DOCUMENTS, false",
            // cache administration
            "GET,    /v1/cache/stats,                   ADMIN,     false",
            "POST,   /v1/cache/warm,                    ADMIN,     false",
            // deny by default: anything else needs a key
            "GET,    /,                                 ASK,       false",
            "GET,    /v2/ask,                           ASK,       false",
            "GET,    /actuatorx,                        ASK,       false",
            "GET,    /v3/other,                         ASK,       false",
            // read as the router reads them
            "GET,    /v1/cache;jsessionid=1/stats,      ADMIN,     false",
            "GET,    /v1/%63ache/stats,                 ADMIN,     false",
            "POST,   //v1//documents,                   DOCUMENTS, true",
            "POST,   /v1%2Fdocuments,                   DOCUMENTS, true",
            "POST,   /v1/documents/,                    DOCUMENTS, true",
            "GET,    /actuator/../v1/cache/stats,       ADMIN,     false",
            "POST,   /v3/api-docs/../../v1/documents,   DOCUMENTS, true",
            "GET,    /actuator/./health,                ASK,       false",
            "GET,    /actuator/%2E%2E/v1/cache/stats,   ADMIN,     false",
    })
    void eachPathNeedsItsScope(String method, String path, String needs, boolean limited) {
        EndpointAccess access = EndpointAccess.of(HttpMethod.valueOf(method),
                RequestPath.parse(path, null).pathWithinApplication());

        if (needs.equals("PUBLIC")) {
            assertThat(access.keyRequired()).isFalse();
            assertThat(access.scope()).isNull();
        } else {
            assertThat(access.keyRequired()).isTrue();
            assertThat(access.scope()).isEqualTo(Scope.valueOf(needs));
        }
        assertThat(access.rateLimited()).isEqualTo(limited);
    }
}
