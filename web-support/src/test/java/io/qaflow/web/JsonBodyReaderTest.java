package io.qaflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonBodyReaderTest {
    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonBodyReader reader = new JsonBodyReader(VALIDATION.getValidator());

    record Question(@NotBlank String question, @Min(1) @Max(20) Integer topK, Long timeoutMs) {}

    record Document(@NotBlank String id, @NotBlank String text) {}

    record Batch(@NotEmpty List<@Valid Document> documents) {}

    @AfterAll
    static void close() {
        VALIDATION.close();
    }

    @Test
    void bindsAValidBodyAndKeepsOptionalFieldsAbsent() {
        Question question = reader.bind(JSON.readTree("{\"question\":\"Who won?\"}"), Question.class);

        assertThat(question).isEqualTo(new Question("Who won?", null, null));
    }

    @Test
    void namesEveryUnknownFieldWithItsPath() {
        List<FieldError> errors = errorsOf("{\"documents\":[{\"id\":\"a\",\"text\":\"t\"},"
                + "{\"id\":\"b\",\"text\":\"t\",\"lang\":\"en\",\"tags\":[1,2],\"extra\":{\"x\":1}}],\"batch\":1}",
                Batch.class);

        assertThat(fields(errors)).containsExactlyInAnyOrder("documents[1].lang", "documents[1].tags",
                "documents[1].extra", "batch");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).isEqualTo("is not a known field"));
    }

    @Test
    void reportsUnknownFieldsAndConstraintViolationsTogether() {
        List<FieldError> errors = errorsOf("{\"question\":\" \",\"topK\":99,\"mode\":\"fast\"}", Question.class);

        assertThat(fields(errors)).containsExactlyInAnyOrder("mode", "question", "topK");
    }

    @Test
    void doesNotCoerceTypes() {
        assertThat(fields(errorsOf("{\"question\":true}", Question.class))).containsExactly("question");
        assertThat(fields(errorsOf("{\"question\":\"q\",\"timeoutMs\":\"1000\"}", Question.class)))
                .containsExactly("timeoutMs");
        assertThat(fields(errorsOf("{\"question\":\"q\",\"topK\":1.0}", Question.class))).containsExactly("topK");
    }

    @Test
    void pointsAtTheNestedFieldOfAWrongType() {
        List<FieldError> errors = errorsOf("{\"documents\":[{\"id\":\"a\",\"text\":\"t\"},{\"id\":\"b\",\"text\":7}]}",
                Batch.class);

        assertThat(errors).containsExactly(new FieldError("documents[1].text", "must be a string"));
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        assertThat(errorsOf("[{\"question\":\"q\"}]", Question.class))
                .containsExactly(new FieldError("body", "must be a JSON object"));
    }

    private <T> List<FieldError> errorsOf(String json, Class<T> type) {
        RequestBodyException problem = catchThrowableOfType(RequestBodyException.class,
                () -> reader.bind(JSON.readTree(json), type));
        assertThat(problem).as("rejected").isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        return problem.errors();
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }
}
