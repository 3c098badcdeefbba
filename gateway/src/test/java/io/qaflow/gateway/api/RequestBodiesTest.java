package io.qaflow.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qaflow.web.FieldError;
import io.qaflow.web.JsonBodyReader;
import io.qaflow.web.RequestBodyException;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's request bodies as {@link JsonBodyReader} binds them: trimmed, metadata checked, fingerprinted. */
class RequestBodiesTest {
    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonBodyReader reader = new JsonBodyReader(VALIDATION.getValidator());

    @AfterAll
    static void close() {
        VALIDATION.close();
    }

    private <T> List<FieldError> errorsOf(String json, Class<T> type) {
        RequestBodyException problem = catchThrowableOfType(RequestBodyException.class,
                () -> reader.bind(JSON.readTree(json), type));
        assertThat(problem).as("rejected").isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        return problem.errors();
    }

    @Test
    void trimsTheQuestionAndKeepsOptionalFieldsAbsent() {
        AskRequest ask = reader.bind(JSON.readTree("{\"question\":\"  Who won?\\n\"}"), AskRequest.class);

        assertThat(ask.question()).isEqualTo("Who won?");
        assertThat(ask.topK()).isNull();
        assertThat(ask.timeoutMs()).isNull();
    }

    @Test
    void checksDocumentMetadataPerEntry() {
        List<FieldError> errors = errorsOf("{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"ok\":1,\"bad\":null,"
                + "\"long\":\"" + "v".repeat(1001) + "\"}}", DocumentInput.class);

        assertThat(errors).containsExactlyInAnyOrder(
                new FieldError("metadata.bad", "must be a string, number or boolean"),
                new FieldError("metadata.long", "must be at most 1000 characters"));
    }

    @Test
    void keepsScalarMetadataAsStrings() {
        DocumentInput document = reader.bind(JSON.readTree(
                "{\"id\":\"Sky_(United_Kingdom)-p3\",\"text\":\"t\",\"metadata\":{\"n\":3,\"f\":1.5,\"b\":true,"
                        + "\"s\":\"x\"}}"), DocumentInput.class);

        assertThat(document.metadataAsStrings()).containsExactly(java.util.Map.entry("n", "3"),
                java.util.Map.entry("f", "1.5"), java.util.Map.entry("b", "true"), java.util.Map.entry("s", "x"));
    }

    @Test
    void fingerprintsTellBodiesApart() {
        AskRequest one = new AskRequest("Who won?", null, null, null);
        AskRequest sameAfterTrimming = new AskRequest("  Who won? ", null, null, null);
        AskRequest otherTopK = new AskRequest("Who won?", null, 3, null);

        assertThat(one.fingerprint()).isEqualTo(sameAfterTrimming.fingerprint());
        assertThat(one.fingerprint()).isNotEqualTo(otherTopK.fingerprint());
    }
}
