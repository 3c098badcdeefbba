package io.qaflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.model.PromptVersion;
import io.qaflow.model.prompt.InvalidPromptException;
import io.qaflow.model.prompt.PromptValidation;
import io.qaflow.web.FieldError;
import io.qaflow.web.JsonBodyReader;
import io.qaflow.web.RequestBodyException;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The registration body's validation, and how a refused template names its message and variable. */
class PromptRequestTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private final JsonBodyReader reader = new JsonBodyReader(VALIDATION.getValidator());

    @AfterAll
    static void close() {
        VALIDATION.close();
    }

    private List<String> fieldsOf(String body) {
        try {
            reader.bind(JSON.readTree(body), RegisterPromptRequest.class);
        } catch (RequestBodyException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.errors().stream().map(FieldError::field).toList();
        }
        throw new AssertionError("accepted " + body);
    }

    @Test
    void aCompleteBodyIsAccepted() {
        RegisterPromptRequest request = reader.bind(JSON.readTree("""
                {"name": "qa-answer", "version": "1.1.0-rc.1", "system": "Be brief.",
                 "user": "{{context}} {{question}}", "author": "ana", "description": "shorter"}"""),
                RegisterPromptRequest.class);
        assertThat(request.version()).isEqualTo("1.1.0-rc.1");
        assertThat(reader.bind(JSON.readTree("{\"name\": \"qa\", \"version\": \"1.0.0\", \"user\": \"u\"}"),
                RegisterPromptRequest.class).system()).isNull();
    }

    @Test
    void badFieldsAreNamed() {
        assertThat(fieldsOf("{\"name\": \"QA Answer\", \"version\": \"1.1\", \"user\": \"\"}"))
                .containsExactlyInAnyOrder("name", "version", "user");
        assertThat(fieldsOf("{\"version\": \"1.1.0\", \"user\": \"u\"}")).containsExactly("name");
        assertThat(fieldsOf("{\"name\": \"qa\", \"version\": \"1.1.0\", \"user\": \"u\", \"model\": \"x\"}"))
                .containsExactly("model");
        assertThat(fieldsOf("{\"name\": \"qa\", \"version\": \"1.1.0\", \"user\": 5}")).containsExactly("user");
        assertThat(fieldsOf("{\"name\": \"qa\", \"version\": \"1.1.0\", \"user\": \"u\", \"author\": \""
                + "a".repeat(101) + "\"}")).containsExactly("author");
    }

    private static List<FieldError> templateErrors(String system, String user) {
        PromptVersion version = PromptVersion.of("qa-answer", "1.2.0", system, user, null, null, 0, Instant.now());
        try {
            PromptValidation.validate(version);
        } catch (InvalidPromptException e) {
            return TemplateProblems.fieldErrors(e, system, user);
        }
        throw new AssertionError("template accepted");
    }

    @Test
    void anUnknownVariableIsNamedWithTheMessageThatUsesIt() {
        assertThat(templateErrors("", "Hi {{user_name}}. {{context}} {{question}}")).singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("user");
                    assertThat(e.message()).contains("{{user_name}}", "does not provide");
                });
        assertThat(templateErrors("You help {{user_name}}.", "{{context}} {{question}}"))
                .extracting(FieldError::field).containsExactly("system");
        assertThat(templateErrors("{{tone}}", "{{tone}} {{context}} {{question}}"))
                .extracting(FieldError::field).containsExactly("system", "user");
    }

    @Test
    void aMissingRequiredVariableOrAMalformedPlaceholderIsNamed() {
        assertThat(templateErrors("", "Context: {{context}}")).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("user");
            assertThat(e.message()).contains("{{question}}");
        });
        assertThat(templateErrors("Be {{ brief", "{{context}} {{question}}")).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("system"));
    }

    @Test
    void aValidTemplatePasses() {
        assertThatThrownBy(() -> templateErrors("", "{{context}} {{question}}")).isInstanceOf(AssertionError.class)
                .hasMessage("template accepted");
    }
}
