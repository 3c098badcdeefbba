package io.qaflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one problem document: its JSON, and how the handler maps a service's, the framework's and unknown errors. */
class ProblemTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void writesServiceMembersBesideTheStandardOnesAndLeavesOutWhatIsAbsent() {
        Problem problem = Problem.of(404, "unknown-request", "Unknown request", "no request r-1 is known",
                List.of(new FieldError("id", "no such request"))).with("requestId", "r-1").with("stage", null)
                .at("/v1/requests/r-1");

        JsonNode json = JSON.readTree(JSON.writeValueAsString(problem));

        assertThat(json.propertyNames()).containsExactly("type", "title", "status", "detail", "instance", "errors",
                "requestId");
        assertThat(json.path("type").asString()).isEqualTo("urn:qaflow:problem:unknown-request");
        assertThat(json.path("requestId").asString()).isEqualTo("r-1");
        assertThat(json.path("errors").path(0).path("field").asString()).isEqualTo("id");
        assertThat(JSON.readTree(JSON.writeValueAsString(Problem.of(500, "internal-error", "Internal error", "d",
                List.of()))).has("errors")).isFalse();
    }

    @Test
    void aServiceMapperComesBeforeTheFrameworkAndAnUnknownErrorIsA500() {
        ProblemMapper conflicts = error -> error instanceof IllegalStateException
                ? Optional.of(new ProblemException(Problem.of(409, "conflict", "Conflict", error.getMessage(), null)))
                : Optional.empty();
        ProblemExceptionHandler handler = new ProblemExceptionHandler(JSON, "experiment controller",
                List.of(conflicts));

        assertThat(handler.toProblem(new IllegalStateException("already running")).problem().status())
                .isEqualTo(409);
        Problem unknown = handler.toProblem(new ArithmeticException("/ by zero")).problem();
        assertThat(unknown.status()).isEqualTo(500);
        assertThat(unknown.detail()).isEqualTo("the experiment controller failed unexpectedly; the error is logged")
                .doesNotContain("zero");
    }

    @Test
    void frameworkErrorsNameTheOffendingPartAndKeepTheirHeaders() {
        ProblemExceptionHandler handler = new ProblemExceptionHandler(JSON, "gateway", List.of());

        ProblemException notAllowed = handler.toProblem(new MethodNotAllowedException(HttpMethod.DELETE,
                Set.of(HttpMethod.GET)));
        assertThat(notAllowed.problem().status()).isEqualTo(405);
        assertThat(notAllowed.problem().errors()).extracting(FieldError::field).containsExactly("method");
        assertThat(notAllowed.headers().getAllow()).containsExactly(HttpMethod.GET);

        ProblemException notFound = handler.toProblem(new ResponseStatusException(
                org.springframework.http.HttpStatus.NOT_FOUND));
        assertThat(notFound.problem().type()).isEqualTo("urn:qaflow:problem:not-found");
        assertThat(handler.toProblem(RequestBodyException.tooLarge(10)).problem().status()).isEqualTo(413);
    }

    @Test
    void retryAfterIsWholeSecondsAndAtLeastOne() {
        assertThat(ProblemException.retryAfter(Duration.ofMillis(1)).getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(ProblemException.retryAfter(Duration.ofMillis(2_001)).getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo("3");
    }
}
