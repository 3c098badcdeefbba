package io.qaflow.gateway.api;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Document metadata: at most 32 entries, keys of 1 to 128 characters, values that are strings (at most 1000
 * characters), numbers or booleans. Each offending entry is reported as {@code metadata.<key>}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ScalarMetadata.Validator.class)
public @interface ScalarMetadata {
    int MAX_ENTRIES = 32;
    int MAX_KEY_CHARS = 128;
    int MAX_VALUE_CHARS = 1000;

    String message() default "must be an object with at most 32 scalar entries";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ScalarMetadata, Map<String, Object>> {
        @Override
        public boolean isValid(Map<String, Object> metadata, ConstraintValidatorContext context) {
            if (metadata == null) {
                return true;
            }
            if (metadata.size() > MAX_ENTRIES) {
                return false;
            }
            context.disableDefaultConstraintViolation();
            boolean valid = true;
            for (Map.Entry<String, Object> entry : metadata.entrySet()) {
                String problem = problemOf(entry.getKey(), entry.getValue());
                if (problem != null) {
                    valid = false;
                    // the key is a node name, never part of the message template, so it is not interpolated
                    context.buildConstraintViolationWithTemplate(problem)
                            .addPropertyNode(entry.getKey())
                            .addConstraintViolation();
                }
            }
            return valid;
        }

        private static String problemOf(String key, Object value) {
            if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
                return "key must be 1 to 128 characters";
            }
            if (value instanceof String text) {
                return text.length() > MAX_VALUE_CHARS ? "must be at most 1000 characters" : null;
            }
            if (value instanceof Number || value instanceof Boolean) {
                return null;
            }
            return "must be a string, number or boolean";
        }
    }
}
